#!/usr/bin/env python3
"""A Parley bot in Python: joins a room, answers "!ping" and "!echo <text>", prints what it hears.

    PARLEY_TOKEN=prl_... python3 examples/python-bot.py [--url ws://localhost:3000/ws] [--room general]

Needs the `websockets` library (Debian: apt-get install python3-websockets; else pip install websockets).
"""
import argparse, asyncio, json, os, uuid

import websockets


def connect(url: str, token: str):
    headers = {"Authorization": f"Bearer {token}"}
    if int(websockets.__version__.split(".")[0]) >= 14:
        return websockets.connect(url, additional_headers=headers)
    return websockets.connect(url, extra_headers=headers)  # websockets 10 to 13 (Debian 12 ships 10.4)


async def main(url: str, room: str, token: str) -> None:
    async with connect(url, token) as ws:
        hello = json.loads(await ws.recv())
        print(f"connected as {hello['user']['name']}", flush=True)
        await ws.send(json.dumps({"type": "join", "room": room, "ref": "join"}))
        async for raw in ws:
            frame = json.loads(raw)
            if frame["type"] == "ack" and frame.get("ref") == "join":
                if not frame["ok"]:
                    raise SystemExit(f"cannot join {room}: {frame['error']['message']}")
                room_id = frame["data"]["room"]["id"]
                print(f"joined #{room}", flush=True)
            elif frame["type"] == "message":
                message = frame["message"]
                print(f"{message['author']['name']}: {message['body']}", flush=True)
                if message["author"]["id"] == hello["user"]["id"]:
                    continue  # our own answer coming back
                reply = None
                if message["body"].strip() == "!ping":
                    reply = "pong"
                elif message["body"].startswith("!echo "):
                    reply = message["body"][len("!echo "):]
                if reply:
                    # A fresh clientId per message; resend the same one if you retry.
                    await ws.send(json.dumps({"type": "send", "roomId": room_id, "clientId": str(uuid.uuid4()), "body": reply}))
            elif frame["type"] == "error" or (frame["type"] == "ack" and not frame["ok"]):
                print(f"error: {frame['error']['message']}", flush=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default=os.environ.get("PARLEY_WS_URL", "ws://localhost:3000/ws"))
    parser.add_argument("--room", default=os.environ.get("PARLEY_ROOM", "general"))
    args = parser.parse_args()
    asyncio.run(main(args.url, args.room, os.environ["PARLEY_TOKEN"]))
