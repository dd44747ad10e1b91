"""Digitisation at reception (issue 6): scans of each document component, signing, validity."""
