"""An independent gRPC peer (Debian's python3-grpcio) for the .NET transport's interop tests.

`client HOST:PORT` calls the .NET test server and prints one JSON object per call.
`server` serves interop.v1.Echo, prints its port, and stops when stdin closes.
Messages are raw bytes: StringValue/Int32Value are encoded by hand (field 1).
"""
import json
import sys
import time
from concurrent import futures

import grpc


def varint(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def read_varint(data, i):
    shift = result = 0
    while True:
        b = data[i]
        i += 1
        result |= (b & 0x7F) << shift
        if not b & 0x80:
            return result, i
        shift += 7


def string_value(text):
    raw = text.encode("utf-8")
    return b"\x0a" + varint(len(raw)) + raw


def parse_string_value(data):
    if not data:
        return ""
    length, i = read_varint(data, 1)
    return data[i:i + length].decode("utf-8")


def int32_value(n):
    return b"\x08" + varint(n)


def call(channel, method, payload, **kwargs):
    stub = channel.unary_unary(method, request_serializer=None, response_deserializer=None)
    try:
        reply = stub(payload, **kwargs)
        return {"code": "OK", "reply": reply}
    except grpc.RpcError as e:
        return {"code": e.code().name, "details": e.details()}


def run_client(target):
    with grpc.insecure_channel(target) as channel:
        results = {}
        r = call(channel, "/interop.v1.Echo/Echo", string_value("héllo"), timeout=10)
        results["echo"] = {"code": r["code"], "value": parse_string_value(r.get("reply", b""))}
        r = call(channel, "/interop.v1.Echo/Echo", string_value("zipped"), timeout=10, compression=grpc.Compression.Gzip)
        results["echo_gzip"] = {"code": r["code"], "value": parse_string_value(r.get("reply", b""))}
        results["fail"] = call(channel, "/interop.v1.Echo/Fail", string_value("x"), timeout=10)
        results["slow"] = call(channel, "/interop.v1.Echo/Slow", int32_value(5000), timeout=0.3)
        results["unknown"] = call(channel, "/interop.v1.Echo/Nope", b"", timeout=10)
        r = call(channel, "/grpc.health.v1.Health/Check", b"", timeout=10)
        results["health"] = {"code": r["code"], "reply": r.get("reply", b"").hex()}
        print(json.dumps(results), flush=True)


class EchoHandler(grpc.GenericRpcHandler):
    def service(self, handler_call_details):
        method = handler_call_details.method
        if method == "/interop.v1.Echo/Echo":
            return grpc.unary_unary_rpc_method_handler(
                lambda req, ctx: string_value("py: " + parse_string_value(req)))
        if method == "/interop.v1.Echo/Fail":
            def fail(req, ctx):
                ctx.abort(grpc.StatusCode.NOT_FOUND, "no such thing: ünïcode 100%")
            return grpc.unary_unary_rpc_method_handler(fail)
        if method == "/interop.v1.Echo/Slow":
            def slow(req, ctx):
                time.sleep(3)
                return req
            return grpc.unary_unary_rpc_method_handler(slow)
        return None


def run_server():
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
    server.add_generic_rpc_handlers((EchoHandler(),))
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    print(port, flush=True)
    sys.stdin.read()
    server.stop(0)


if __name__ == "__main__":
    if sys.argv[1] == "client":
        run_client(sys.argv[2])
    else:
        run_server()
