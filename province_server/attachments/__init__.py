"""Attachments (scans, signed files) uploaded in chunks by stations and served to their office."""
