"""Shared UI pieces: strings, number formats, filters, provenance markers, figure builders."""
