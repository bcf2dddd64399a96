"""Telegram bots: private chats become tickets; group and channel posts the bot sees go to the social inbox."""
