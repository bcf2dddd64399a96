"""The generic inbound webhook: any service (monitoring, social listening) posts signed JSON items."""
