"""Entry point: `flask --app app …`, or `python app.py` to run with the embedded database."""

import os

from lms import create_app

app = create_app()


def main() -> None:
    """Migrate, load the demo data into an empty database, print where and how to sign in."""
    from lms.startup import prepare_database, sign_in_details

    host = os.environ.get("LMS_HOST", "127.0.0.1")
    port = int(os.environ.get("LMS_PORT", "5000"))
    with app.app_context():
        seeded = prepare_database(app)
        print(sign_in_details(f"http://{host}:{port}/", seeded), flush=True)
    app.run(host=host, port=port, debug=False, use_reloader=False)


if __name__ == "__main__":
    main()
