"""A minimal Django project around django-helpdesk, run only inside its own virtualenv by ``bench.helpdesk_mail``."""
