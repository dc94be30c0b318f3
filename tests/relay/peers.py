"""Separate processes for the fault tests: a relay node with fake engines, and an operator client.

    python -m tests.relay.peers node --port P --store DB --node-id A --redis URL|none --prefix X [--mt-delay S] [--relay-json '{...}']
    python -m tests.relay.peers operator --url ws://127.0.0.1:P/ws --token T --lang en
Both print READY (and the operator ACCEPTED <session>) on stdout, then run until killed.
"""

from __future__ import annotations

import argparse
import asyncio
import json

import aiohttp
from aiohttp import web


async def run_node(args: argparse.Namespace) -> None:
    from relay.app import create_app
    from relay.settings import load_settings
    from tests.fakes import FakeTranslator, fake_engines

    queue = ({"backend": "redis", "redis_url": args.redis, "redis_prefix": args.prefix} if args.redis != "none"
             else {"backend": "memory"})
    settings = load_settings(env={}, overrides={
        "store": {"path": args.store}, "server": {"node_id": args.node_id},
        "queue": {**queue, "reconnect_grace_s": 1.0, "offer_timeout_s": 5.0, "wrap_up_s": 0.0},
        "logging": {"level": "WARNING"}, "relay": json.loads(args.relay_json),
    })
    engines = fake_engines(translator=FakeTranslator(delay=args.mt_delay))
    runner = web.AppRunner(create_app(settings, engines), access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", args.port).start()
    print("READY", flush=True)
    await asyncio.Event().wait()


async def run_operator(args: argparse.Namespace) -> None:
    async with aiohttp.ClientSession() as http, http.ws_connect(args.url) as ws:
        await ws.send_json({"type": "hello", "protocol": 1, "role": "operator", "token": args.token})
        await ws.send_json({"type": "operator.state", "state": "available", "languages": [args.lang]})
        print("READY", flush=True)
        async for msg in ws:
            body = json.loads(msg.data) if msg.type == aiohttp.WSMsgType.TEXT else {}
            if body.get("type") == "escalation" and body.get("state") == "offered":
                await ws.send_json({"type": "accept", "session_id": body["session_id"]})
            if body.get("type") == "escalation" and body.get("state") == "connected":
                print("ACCEPTED", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="mode", required=True)
    node = sub.add_parser("node")
    for flag in ("--store", "--node-id", "--redis", "--prefix"):
        node.add_argument(flag, required=True)
    node.add_argument("--port", type=int, required=True)
    node.add_argument("--mt-delay", type=float, default=0.0)  # seconds per translation (turns in flight)
    node.add_argument("--relay-json", default="{}")  # [relay] settings, e.g. limits for the fuzz test
    operator = sub.add_parser("operator")
    for flag in ("--url", "--token", "--lang"):
        operator.add_argument(flag, required=True)
    args = parser.parse_args()
    asyncio.run(run_node(args) if args.mode == "node" else run_operator(args))


if __name__ == "__main__":
    main()
