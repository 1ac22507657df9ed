"""Run the moto server for local mode, on 127.0.0.1 only.

    .venv/bin/python scripts/emulator/serve.py --port 5123 [--no-corrections]

Order matters:
  1. MOTO_PORT is set to the served port before moto is imported: moto's Step Functions engine
     calls the server back on http://localhost:$MOTO_PORT.
  2. The installed moto must be >= MIN_MOTO (earlier versions fail every StartExecution after the
     first one in a process).
  3. Our corrections (corrections.py) are applied unless --no-corrections or
     IR_EMULATOR_CORRECTIONS=off.
  4. Once the server answers, state machine execution is switched on through
     POST /moto-api/config, as moto does not execute state machines by default.
Stops cleanly on SIGTERM or SIGINT.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import os
import re
import signal
import sys
import threading
import time
import urllib.error
import urllib.request

HOST = "127.0.0.1"
MIN_MOTO = (5, 2, 3)
SFN_CONFIG = {"stepfunctions": {"execute_state_machine": True}}

# Requests from here go only to our own server: never through a proxy from the environment.
_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def parse_version(text: str) -> tuple[int, ...]:
    parts = []
    for piece in text.split(".")[:3]:
        match = re.match(r"\d+", piece)
        if not match:
            break
        parts.append(int(match.group(0)))
    return tuple(parts)


def check_moto_version() -> str:
    try:
        version = importlib.metadata.version("moto")
    except importlib.metadata.PackageNotFoundError:
        sys.exit("error: moto is not installed in this Python; run scripts/setup-venv")
    if parse_version(version) < MIN_MOTO:
        wanted = ".".join(map(str, MIN_MOTO))
        sys.exit(
            f"error: moto {version} at {sys.executable} is too old; need >= {wanted} "
            "(run scripts/setup-venv and use .venv/bin/python)"
        )
    return version


def request(port: int, path: str, body: dict | None = None, timeout: float = 2.0) -> bytes:
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(
        f"http://{HOST}:{port}{path}",
        data=data,
        method="GET" if body is None else "POST",
        headers={"Content-Type": "application/json"},
    )
    with _opener.open(req, timeout=timeout) as response:
        return response.read()


def enable_state_machines(port: int, deadline_seconds: float = 30.0) -> None:
    deadline = time.monotonic() + deadline_seconds
    while True:
        try:
            request(port, "/moto-api/")
            break
        except (urllib.error.URLError, OSError):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)
    request(port, "/moto-api/config", SFN_CONFIG)
    # GET /moto-api/config reports only the batch and lambda sections, so check the setting
    # where the server keeps it: this process.
    from moto.core.config import default_user_config

    if not default_user_config.get("stepfunctions", {}).get("execute_state_machine"):
        raise RuntimeError("execute_state_machine is still off after POST /moto-api/config")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--port", type=int, required=True, help="port to serve on, on 127.0.0.1")
    parser.add_argument(
        "--no-corrections", action="store_true", help="serve moto exactly as shipped"
    )
    parser.add_argument(
        "--ready-file",
        help="file to write (with the port) once the server answers and executions are on",
    )
    args = parser.parse_args(argv)

    # Before moto is imported: its engine reads the port from here; nothing may ask the
    # instance metadata address; the engine's own clients use dummy credentials.
    os.environ["MOTO_PORT"] = str(args.port)
    os.environ["AWS_EC2_METADATA_DISABLED"] = "true"
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")

    version = check_moto_version()

    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import corrections

    if args.no_corrections:
        applied: list[str] = []
    else:
        try:
            applied = corrections.apply_all()
        except ValueError as error:
            print(f"error: {error}", file=sys.stderr)
            return 2

    # moto's own server pieces, as its ThreadedMotoServer uses them; built here so that a busy
    # port fails at once instead of inside a thread.
    from moto.moto_server.werkzeug_app import (
        DomainDispatcherApplication,
        MotoRequestHandler,
        create_backend_app,
    )
    from werkzeug.serving import make_server

    app = DomainDispatcherApplication(create_backend_app)
    try:
        server = make_server(HOST, args.port, app, threaded=True, request_handler=MotoRequestHandler)
    except OSError as error:
        print(f"error: cannot serve on {HOST}:{args.port}: {error}", file=sys.stderr)
        return 1

    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())

    thread = threading.Thread(target=server.serve_forever, name="moto-server", daemon=True)
    thread.start()
    try:
        enable_state_machines(args.port)
    except Exception as error:  # the server is useless for drills without executions
        print(f"error: could not enable state machine execution: {error}", file=sys.stderr)
        server.shutdown()
        return 1

    if args.ready_file:
        with open(args.ready_file, "w", encoding="utf-8") as ready:
            ready.write(f"{args.port}\n")
    print(
        f"moto {version} serving on http://{HOST}:{args.port} "
        f"(corrections: {', '.join(applied) or 'none'}; execute_state_machine on)",
        flush=True,
    )
    while not stop.wait(1.0):
        if not thread.is_alive():
            print("error: server thread ended", file=sys.stderr)
            return 1
    if args.ready_file:
        try:
            os.remove(args.ready_file)
        except FileNotFoundError:
            pass
    server.shutdown()
    thread.join(timeout=10)
    print("moto server stopped", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
