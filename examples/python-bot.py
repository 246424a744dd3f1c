#!/usr/bin/env python3
"""A Parley bot in Python: joins a room, answers "!ping", "!echo <text>" and "!file", prints what it hears.

    PARLEY_TOKEN=prl_... python3 examples/python-bot.py [--url ws://localhost:3000/ws] [--room general]

Needs the `websockets` library (Debian: apt-get install python3-websockets; else pip install websockets).
Files are uploaded over HTTP with the standard library only (`upload` below), then sent by id.
"""
import argparse, asyncio, json, os, time, urllib.error, urllib.parse, urllib.request, uuid

import websockets


def upload(http_base: str, token: str, name: str, data: bytes) -> dict:
    """PUTs a file under an id of our choosing; retrying with the same id never stores it twice.

    Returns the attachment ({"id", "name", "type", "size", "image"?}) to send with a message.
    """
    file_id = str(uuid.uuid4())
    url = f"{http_base}/api/files/{file_id}?name={urllib.parse.quote(name)}"
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/octet-stream"}
    for attempt in range(5):
        request = urllib.request.Request(url, data=data, method="PUT", headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=60) as answer:
                return json.load(answer)  # 201 stored, 200 stored by an earlier try
        except urllib.error.HTTPError as refused:
            error = json.load(refused).get("error", {})
            if refused.code < 500 and refused.code != 429:
                raise SystemExit(f"upload refused ({error.get('code')}): {error.get('message')}")
        except (urllib.error.URLError, TimeoutError):
            pass  # the network or the server: try again, same id
        time.sleep(2 ** attempt)
    raise SystemExit("upload failed: the server did not answer")


def connect(url: str, token: str):
    headers = {"Authorization": f"Bearer {token}"}
    if int(websockets.__version__.split(".")[0]) >= 14:
        return websockets.connect(url, additional_headers=headers)
    return websockets.connect(url, extra_headers=headers)  # websockets 10 to 13 (Debian 12 ships 10.4)


async def main(url: str, room: str, token: str) -> None:
    http_base = url.replace("ws", "http", 1).rsplit("/ws", 1)[0]
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
                elif message["body"].strip() == "!file":
                    notes = f"Asked for by {message['author']['name']}.\n".encode()
                    attachment = await asyncio.to_thread(upload, http_base, token, "pybot-notes.txt", notes)
                    await ws.send(json.dumps({"type": "send", "roomId": room_id, "clientId": str(uuid.uuid4()), "body": "here you are", "attachments": [attachment["id"]]}))
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
