"""Finance's mapping of the ledger to the cooperative's chart of accounts: every change is
checked by the policy and recorded in the history (who, when, why)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cooperatie import policy
from cooperatie.history import save_recorded

from .models import AccountMapping, ContraAccount, CostCentre, CostUnit, GeneralLedgerAccount


def _same_cooperative(cooperative, *objs) -> None:
    for obj in objs:
        if obj is not None and obj.cooperative_id != cooperative.pk:
            raise ValidationError(_("Dit hoort niet bij deze coöperatie."))


@transaction.atomic
def account_save(*, cooperative, code: str, name: str, type: str, actor, reason: str = ""
                 ) -> GeneralLedgerAccount:
    """Add an account to the cooperative's chart, or change its name or type."""
    policy.ensure(actor, "accounting.map", cooperative)
    account = (GeneralLedgerAccount.objects.filter(cooperative=cooperative, code=code).first()
               or GeneralLedgerAccount(cooperative=cooperative, code=code))
    account.name, account.type = name, type
    return save_recorded(account, actor=actor, reason=reason or _("Grootboekrekening opgeslagen"))


@transaction.atomic
def mapping_set(*, cooperative, kind: str, account, funding_stream=None, actor,
                reason: str = "") -> AccountMapping:
    """Entries of `kind` (and `funding_stream`, or any stream) go to `account`."""
    policy.ensure(actor, "accounting.map", cooperative)
    _same_cooperative(cooperative, account, funding_stream)
    mapping = (AccountMapping.objects.filter(cooperative=cooperative, kind=kind,
                                             funding_stream=funding_stream).first()
               or AccountMapping(cooperative=cooperative, kind=kind,
                                 funding_stream=funding_stream))
    mapping.account = account
    return save_recorded(mapping, actor=actor, reason=reason or _("Koppeling opgeslagen"))


@transaction.atomic
def contra_set(*, cooperative, posting_kind: str, account, actor, reason: str = ""
               ) -> ContraAccount:
    """What postings of `posting_kind` leave unbalanced goes to `account`."""
    policy.ensure(actor, "accounting.map", cooperative)
    _same_cooperative(cooperative, account)
    contra = (ContraAccount.objects.filter(cooperative=cooperative,
                                           posting_kind=posting_kind).first()
              or ContraAccount(cooperative=cooperative, posting_kind=posting_kind))
    contra.account = account
    return save_recorded(contra, actor=actor, reason=reason or _("Tegenrekening opgeslagen"))


@transaction.atomic
def cost_centre_set(*, neighbourhood, code: str, actor, reason: str = "") -> CostCentre:
    policy.ensure(actor, "accounting.map", neighbourhood.cooperative)
    centre = (CostCentre.objects.filter(neighbourhood=neighbourhood).first()
              or CostCentre(neighbourhood=neighbourhood))
    centre.code = code
    return save_recorded(centre, actor=actor, reason=reason or _("Kostenplaats opgeslagen"))


@transaction.atomic
def cost_unit_set(*, funding_stream, code: str, actor, reason: str = "") -> CostUnit:
    policy.ensure(actor, "accounting.map", funding_stream.cooperative)
    unit = (CostUnit.objects.filter(funding_stream=funding_stream).first()
            or CostUnit(funding_stream=funding_stream))
    unit.code = code
    return save_recorded(unit, actor=actor, reason=reason or _("Kostendrager opgeslagen"))
