#!/usr/bin/env python3
"""usage: qmp.py SOCKET COMMAND [ARG...]

Talks to a running QEMU through its QMP socket (qemu -qmp unix:SOCKET,...),
as a person at the machine would act on it:
  screendump FILE.png        save what the screen shows (PNG)
  sendkey KEY...             press keys on the machine's keyboard, one after
                             another (QEMU key names: 1, f, ret, shift-slash)
  device_add DRIVER ID [PROP=VALUE...]   plug a device in (e.g. usb-kbd kbd2 bus=xhci.0)
  device_del ID              unplug it
  hmp COMMAND...             any human-monitor command, its output printed
Exits 1 with one line on stderr when QEMU refuses or does not answer.
"""
import json
import socket
import sys
import time


class QMP:
    def __init__(self, path, timeout=20.0):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(timeout)
        self.sock.connect(path)
        self.buf = b""
        self._read()                      # the greeting
        self.call("qmp_capabilities")

    def _read(self):
        while b"\n" not in self.buf:
            data = self.sock.recv(65536)
            if not data:
                raise RuntimeError("QEMU closed the QMP connection")
            self.buf += data
        line, self.buf = self.buf.split(b"\n", 1)
        return json.loads(line)

    def call(self, cmd, **args):
        msg = {"execute": cmd}
        if args:
            msg["arguments"] = args
        self.sock.sendall(json.dumps(msg).encode() + b"\n")
        while True:
            reply = self._read()
            if "event" in reply:          # asynchronous events: not ours
                continue
            if "error" in reply:
                raise RuntimeError("%s: %s" % (cmd, reply["error"].get("desc", reply["error"])))
            return reply.get("return")


def main(argv):
    if len(argv) < 3:
        sys.stderr.write(__doc__)
        return 2
    path, cmd, args = argv[1], argv[2], argv[3:]
    try:
        q = QMP(path)
        if cmd == "screendump" and len(args) == 1:
            q.call("screendump", filename=args[0], format="png")
        elif cmd == "sendkey" and args:
            for key in args:
                out = q.call("human-monitor-command", **{"command-line": "sendkey " + key})
                if out:
                    raise RuntimeError("sendkey %s: %s" % (key, out.strip()))
                time.sleep(0.15)          # a person's pace; the guest sees press and release
        elif cmd == "device_add" and len(args) >= 2:
            props = dict(a.split("=", 1) for a in args[2:])
            q.call("device_add", driver=args[0], id=args[1], **props)
        elif cmd == "device_del" and len(args) == 1:
            q.call("device_del", id=args[0])
        elif cmd == "hmp" and args:
            out = q.call("human-monitor-command", **{"command-line": " ".join(args)})
            sys.stdout.write(out or "")
        else:
            sys.stderr.write(__doc__)
            return 2
    except (OSError, RuntimeError, ValueError) as e:
        sys.stderr.write("qmp: %s: %s\n" % (cmd, e))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
