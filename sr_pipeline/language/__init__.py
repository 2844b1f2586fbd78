"""Every sentence and format shown to people, in both languages."""
