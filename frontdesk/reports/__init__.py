"""Reports: the measures a support provider and its client companies manage by, defined once each."""
