import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cooperatie.settings")
application = get_wsgi_application()
# What the loaded app holds (modules, URL patterns, settings) lives as long as the process:
# frozen, the garbage collector's full collections walk only what requests made. On a large
# cooperative's allocation page a full collection otherwise took about 110 ms of every second
# or third request (bench/README.md, "Garbage collection").
gc.freeze()
