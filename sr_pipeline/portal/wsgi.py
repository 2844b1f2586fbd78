"""The WSGI application gunicorn serves (``sr_pipeline.portal.wsgi:application``)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sr_pipeline.portal.settings")
application = get_wsgi_application()
