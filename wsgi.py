from inspection import create_app

app = create_app()
