"""The REST API v1: one NinjaAPI, a router per domain."""

from ninja import NinjaAPI

api = NinjaAPI(title="Frontdesk API", version="1.0.0", urls_namespace="api-v1")
