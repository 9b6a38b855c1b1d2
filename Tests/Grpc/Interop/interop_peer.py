"""An independent gRPC peer (Debian's python3-grpcio) for the interop tests with Grpc.AspNetCore / Grpc.Net.Client.

`client SRM_HOST:PORT RAG_HOST:PORT` calls the real Srm and RagService, lists their services by server
reflection, and prints one JSON object with each call's outcome.
`server` serves a scripted srm.v1.Srm, prints its port, and stops when stdin closes.
Messages are encoded and decoded by hand (no generated code), so nothing is shared with the .NET side.
"""
import json
import sys
import threading
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


def fields(data):
    """Yields (field number, value) of a message: ints for varints, bytes for length-delimited fields."""
    i = 0
    while i < len(data):
        key, i = read_varint(data, i)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, i = read_varint(data, i)
        elif wire == 2:
            length, i = read_varint(data, i)
            value, i = data[i:i + length], i + length
        elif wire == 1:
            value, i = data[i:i + 8], i + 8
        elif wire == 5:
            value, i = data[i:i + 4], i + 4
        else:
            raise ValueError("unsupported wire type %d" % wire)
        yield number, value


def string_field(number, text):
    raw = text.encode("utf-8")
    return varint(number << 3 | 2) + varint(len(raw)) + raw


def int_field(number, n):
    return varint(number << 3) + varint(n)


def field(data, number, default=None):
    return next((v for n, v in fields(data) if n == number), default)


def call(channel, method, payload, **kwargs):
    stub = channel.unary_unary(method, request_serializer=None, response_deserializer=None)
    try:
        return {"code": "OK", "reply": stub(payload, **kwargs)}
    except grpc.RpcError as e:
        return {"code": e.code().name, "details": e.details()}


def reserve(repo, fq_name, plan_id):
    return (string_field(1, repo) + string_field(2, "main") + string_field(3, fq_name) + string_field(4, "method")
            + string_field(5, "src/App.cs") + string_field(6, plan_id) + int_field(7, 60))


def list_services(channel):
    """grpc.reflection.v1alpha ServerReflectionInfo with list_services (field 7): the names it returns."""
    stub = channel.stream_stream("/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo",
                                 request_serializer=None, response_deserializer=None)
    replies = list(stub(iter([string_field(7, "")]), timeout=10))
    listing = field(replies[0], 6, b"")  # list_services_response
    return sorted(field(service, 1, b"").decode("utf-8") for n, service in fields(listing) if n == 1)


def run_client(srm_target, rag_target):
    results = {}
    with grpc.insecure_channel(srm_target) as srm:
        repo = "py-" + str(time.time_ns())
        r = call(srm, "/srm.v1.Srm/Reserve", reserve(repo, "App.Py", "plan-py"), timeout=10)
        results["reserve"] = {"code": r["code"], "lease_id": field(r.get("reply", b""), 1, 0)}
        r = call(srm, "/srm.v1.Srm/Reserve", reserve(repo, "App.Zipped", "plan-py"), timeout=10,
                 compression=grpc.Compression.Gzip)
        results["reserve_gzip"] = {"code": r["code"], "lease_id": field(r.get("reply", b""), 1, 0)}
        results["conflict"] = call(srm, "/srm.v1.Srm/Reserve", reserve(repo, "App.Py", "plan-other"), timeout=10)
        results["invalid"] = call(srm, "/srm.v1.Srm/Reserve", reserve(repo, "App.Py", ""), timeout=10)
        results["never_granted"] = call(srm, "/srm.v1.Srm/Renew", int_field(1, 2**62), timeout=10)
        results["unknown"] = call(srm, "/srm.v1.Srm/Steal", b"", timeout=10)
        r = call(srm, "/grpc.health.v1.Health/Check", string_field(1, "srm.v1.Srm"), timeout=10)
        results["srm_health"] = {"code": r["code"], "status": field(r.get("reply", b""), 1, 0)}
        results["srm_services"] = list_services(srm)
    with grpc.insecure_channel(rag_target) as rag:
        index = string_field(1, "py") + string_field(2, "main") + string_field(3, "/tmp/x\0y")
        results["nul_path"] = call(rag, "/rag.v1.Rag/IndexRepository", index, timeout=10)
        results["unknown_repo"] = call(rag, "/rag.v1.Rag/GetIndexStatus", string_field(1, "nope"), timeout=10)
        r = call(rag, "/grpc.health.v1.Health/Check", b"", timeout=10)
        results["rag_health"] = {"code": r["code"], "status": field(r.get("reply", b""), 1, 0)}
        results["rag_services"] = list_services(rag)
    print(json.dumps(results), flush=True)


class ScriptedSrm(grpc.GenericRpcHandler):
    """Reserve: lease 42. Release: NOT_FOUND. Renew: too slow. ReleasePlan: UNAVAILABLE once, then 7. Others: none."""

    def __init__(self):
        self.release_plan_calls = 0
        self.lock = threading.Lock()

    def service(self, handler_call_details):
        method = handler_call_details.method
        if method == "/srm.v1.Srm/Reserve":
            return grpc.unary_unary_rpc_method_handler(lambda req, ctx: int_field(1, 42))
        if method == "/srm.v1.Srm/Release":
            def release(req, ctx):
                ctx.abort(grpc.StatusCode.NOT_FOUND, "no such lease: ünïcode 100%")
            return grpc.unary_unary_rpc_method_handler(release)
        if method == "/srm.v1.Srm/Renew":
            def slow(req, ctx):
                time.sleep(3)
                return b""
            return grpc.unary_unary_rpc_method_handler(slow)
        if method == "/srm.v1.Srm/ReleasePlan":
            def release_plan(req, ctx):
                with self.lock:
                    self.release_plan_calls += 1
                    first = self.release_plan_calls == 1
                if first:
                    ctx.abort(grpc.StatusCode.UNAVAILABLE, "restarting")
                return int_field(1, 7 + 100 * (self.release_plan_calls - 2))
            return grpc.unary_unary_rpc_method_handler(release_plan)
        return None


def run_server():
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
    server.add_generic_rpc_handlers((ScriptedSrm(),))
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    print(port, flush=True)
    sys.stdin.read()
    server.stop(0)


if __name__ == "__main__":
    if sys.argv[1] == "client":
        run_client(sys.argv[2], sys.argv[3])
    else:
        run_server()
