"""campaigns pages (HTML)."""
from flask import Blueprint

bp = Blueprint("campaigns", __name__)
