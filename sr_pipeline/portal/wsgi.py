"""The WSGI application gunicorn serves (``sr_pipeline.portal.wsgi:application``)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sr_pipeline.portal.settings")
django_application = get_wsgi_application()

from sr_pipeline.portal.limits import limit_body  # noqa: E402 - needs the settings above
from sr_pipeline.portal.worker import warm_up  # noqa: E402

application = limit_body(django_application)
warm_up()
