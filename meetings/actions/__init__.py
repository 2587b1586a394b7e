"""Follow-up actions: from outcome documents to done, reviewed at later meetings."""
