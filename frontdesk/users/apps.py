from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class UsersConfig(AppConfig):
    default = True
    name = "frontdesk.users"
    label = "users"
    verbose_name = _("People")


class FrontdeskAdminConfig(admin_apps.AdminConfig):
    """Django's admin with Frontdesk's site, which lets in provider and brand admins only."""

    default = False
    default_site = "frontdesk.users.admin_site.FrontdeskAdminSite"
