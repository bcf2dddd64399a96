"""VK communities (Callback API): community messages become tickets, wall comments go to the social inbox."""
