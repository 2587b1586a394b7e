"""Meeting documents and outcome documents: their files, checked and stored."""
