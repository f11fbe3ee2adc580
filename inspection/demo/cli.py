"""`flask demo`: fill an empty database with the demo county (示例县)."""
import click

cli = click.Group("demo")
