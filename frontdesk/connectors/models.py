"""Connected social networks and messengers, their raw payloads and the social inbox."""
