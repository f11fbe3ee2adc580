"""The manifest carries a description, small phone screenshots and a theme colour per colour scheme."""
from __future__ import annotations

import io
import json

from PIL import Image

from inspection.field.views import THEME_COLOR, THEME_COLOR_LIGHT


def test_manifest_has_description_screenshots_and_both_schemes(client):
    manifest = json.loads(client.get("/field/manifest.webmanifest").get_data(as_text=True))
    assert "没有网络" in manifest["description"] and "明察暗访" not in manifest["description"]  # unremarkable
    assert manifest["theme_color"] == THEME_COLOR_LIGHT
    assert manifest["user_preferences"]["color_scheme_dark"]["theme_color"] == THEME_COLOR != THEME_COLOR_LIGHT
    assert len(manifest["screenshots"]) >= 1
    for shot in manifest["screenshots"]:
        response = client.get(shot["src"])
        assert response.status_code == 200 and response.mimetype == "image/png"
        assert len(response.data) < 80_000  # small: fetched by the install sheet over a phone's network
        with Image.open(io.BytesIO(response.data)) as image:
            size = f"{image.width}x{image.height}"
        response.close()
        assert size == shot["sizes"] and shot["form_factor"] == "narrow"
        assert shot["label"]


def test_shell_names_a_theme_colour_per_colour_scheme(client):
    html = client.get("/field/").get_data(as_text=True)
    assert f'<meta name="theme-color" media="(prefers-color-scheme: light)" content="{THEME_COLOR_LIGHT}">' in html
    assert f'<meta name="theme-color" media="(prefers-color-scheme: dark)" content="{THEME_COLOR}">' in html
