using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Federation.EndToEnd.Tests.Infrastructure;

/// <summary>A span as an OTLP exporter sent it: ids in lower-case hex, as in a <c>traceparent</c>.</summary>
public sealed record ReceivedSpan(
    string Service, string Scope, string TraceId, string SpanId, string? ParentSpanId, string Name,
    IReadOnlyDictionary<string, string> Attributes, IReadOnlyList<(string TraceId, string SpanId)> Links);

/// <summary>One data point of one of our metrics (<c>federation.*</c>: sum, gauge or histogram) with its attributes.</summary>
public sealed record ReceivedPoint(string Service, string Metric, IReadOnlyDictionary<string, string> Attributes);

/// <summary>
/// An OpenTelemetry collector's receiving end, in process: OTLP/HTTP with protobuf bodies on
/// <c>/v1/traces</c>, <c>/v1/metrics</c> and <c>/v1/logs</c> (taken and dropped) of a Kestrel app on
/// 127.0.0.1. The services export to it as they would to a real collector; the messages are read
/// with <see cref="Protobuf"/>, a wire-format reader of the few fields the tests look at.
/// </summary>
public sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<ReceivedSpan> _spans = new();
    private readonly ConcurrentQueue<ReceivedPoint> _points = new();

    private OtlpReceiver(WebApplication app) => _app = app;

    public Uri Endpoint { get; private set; } = null!;

    public IReadOnlyList<ReceivedSpan> Spans => [.. _spans];

    public IReadOnlyList<ReceivedPoint> Points => [.. _points];

    /// <summary>Requests that were not valid OTLP protobuf (their reason): a test fails on any.</summary>
    public ConcurrentQueue<string> Rejected { get; } = new();

    public static async Task<OtlpReceiver> StartAsync()
    {
        var app = Loopback.CreateApp();
        var receiver = new OtlpReceiver(app);
        app.MapPost("/v1/traces", (Delegate)((HttpContext http) => receiver.AcceptAsync(http, receiver.ReadTraces)));
        app.MapPost("/v1/metrics", (Delegate)((HttpContext http) => receiver.AcceptAsync(http, receiver.ReadMetrics)));
        app.MapPost("/v1/logs", (Delegate)((HttpContext http) => receiver.AcceptAsync(http, _ => { })));
        await app.StartAsync();
        receiver.Endpoint = Loopback.AddressOf(app);
        return receiver;
    }

    /// <summary>Environment for a service process: export everything here, often.</summary>
    public Dictionary<string, string> Environment() => new()
    {
        ["OTEL_EXPORTER_OTLP_ENDPOINT"] = Endpoint.AbsoluteUri.TrimEnd('/'),
        ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
        ["OTEL_BSP_SCHEDULE_DELAY"] = "200",
        ["OTEL_BLRP_SCHEDULE_DELAY"] = "1000",
        ["OTEL_METRIC_EXPORT_INTERVAL"] = "1000",
    };

    private async Task<IResult> AcceptAsync(HttpContext http, Action<byte[]> read)
    {
        if (http.Request.ContentType?.StartsWith("application/x-protobuf", StringComparison.Ordinal) != true)
        {
            Rejected.Enqueue($"{http.Request.Path}: content type {http.Request.ContentType}");
            return TypedResults.StatusCode(StatusCodes.Status415UnsupportedMediaType);
        }
        using var body = new MemoryStream();
        await http.Request.Body.CopyToAsync(body);
        try
        {
            read(body.ToArray());
        }
        catch (FormatException e)
        {
            Rejected.Enqueue($"{http.Request.Path}: {e.Message}");
            return TypedResults.BadRequest();
        }
        // An empty Export*ServiceResponse: everything accepted.
        return TypedResults.Bytes([], "application/x-protobuf");
    }

    // ExportTraceServiceRequest.resource_spans(1) → ResourceSpans{resource(1), scope_spans(2)}
    // → ScopeSpans{scope(1), spans(2)} → Span{trace_id(1), span_id(2), parent_span_id(4), name(5), attributes(9), links(13)}.
    private void ReadTraces(byte[] message)
    {
        foreach (var resourceSpans in Protobuf.Messages(message, 1))
        {
            var service = ServiceName(resourceSpans);
            foreach (var scopeSpans in Protobuf.Messages(resourceSpans, 2))
            {
                var scope = Protobuf.Messages(scopeSpans, 1).Select(s => Protobuf.Text(s, 1)).FirstOrDefault() ?? "";
                foreach (var span in Protobuf.Messages(scopeSpans, 2))
                {
                    var parent = Protobuf.Bytes(span, 4);
                    _spans.Enqueue(new ReceivedSpan(service, scope,
                        Convert.ToHexStringLower(Protobuf.Bytes(span, 1) ?? []),
                        Convert.ToHexStringLower(Protobuf.Bytes(span, 2) ?? []),
                        parent is { Length: > 0 } ? Convert.ToHexStringLower(parent) : null,
                        Protobuf.Text(span, 5) ?? "",
                        Attributes(span, 9),
                        [.. Protobuf.Messages(span, 13).Select(l => (
                            Convert.ToHexStringLower(Protobuf.Bytes(l, 1) ?? []),
                            Convert.ToHexStringLower(Protobuf.Bytes(l, 2) ?? [])))]));
                }
            }
        }
    }

    // ExportMetricsServiceRequest.resource_metrics(1) → ResourceMetrics{resource(1), scope_metrics(2)}
    // → ScopeMetrics{metrics(2)} → Metric{name(1), gauge(5) | sum(7) | histogram(9)} → data_points(1),
    // whose attributes are field 7 (NumberDataPoint) or 9 (HistogramDataPoint).
    private void ReadMetrics(byte[] message)
    {
        foreach (var resourceMetrics in Protobuf.Messages(message, 1))
        {
            var service = ServiceName(resourceMetrics);
            foreach (var scopeMetrics in Protobuf.Messages(resourceMetrics, 2))
            {
                foreach (var metric in Protobuf.Messages(scopeMetrics, 2))
                {
                    var name = Protobuf.Text(metric, 1) ?? "";
                    if (!name.StartsWith("federation.", StringComparison.Ordinal))
                    {
                        continue; // the framework's and the runtime's: the tests look at ours only
                    }
                    foreach (var (field, attributes) in new[] { (5, 7), (7, 7), (9, 9) })
                    {
                        foreach (var data in Protobuf.Messages(metric, field))
                        {
                            foreach (var point in Protobuf.Messages(data, 1))
                            {
                                _points.Enqueue(new ReceivedPoint(service, name, Attributes(point, attributes)));
                            }
                        }
                    }
                }
            }
        }
    }

    // Resource{attributes(1)}; service.name is one of them.
    private static string ServiceName(byte[] resourceLevel) =>
        Protobuf.Messages(resourceLevel, 1).Select(r => Attributes(r, 1).GetValueOrDefault("service.name")).FirstOrDefault() ?? "";

    // KeyValue{key(1), value(2)} with AnyValue{string_value(1), bool_value(2), int_value(3)}; other kinds are not needed.
    private static Dictionary<string, string> Attributes(byte[] message, int field)
    {
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var keyValue in Protobuf.Messages(message, field))
        {
            var key = Protobuf.Text(keyValue, 1) ?? "";
            var value = Protobuf.Messages(keyValue, 2).FirstOrDefault();
            attributes[key] = value is null ? ""
                : Protobuf.Text(value, 1) ?? (Protobuf.Varint(value, 3) ?? Protobuf.Varint(value, 2))?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "";
        }
        return attributes;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}

/// <summary>
/// The protobuf wire format, read only: a message is a list of (field number, wire type, value);
/// these helpers pick the values of one field. Unknown fields are skipped by their wire type.
/// </summary>
public static class Protobuf
{
    private const int WireVarint = 0, WireFixed64 = 1, WireLengthDelimited = 2, WireFixed32 = 5;

    /// <summary>Every length-delimited value of <paramref name="field"/> (sub-messages, repeated ones in order).</summary>
    public static IEnumerable<byte[]> Messages(byte[] message, int field) =>
        Fields(message).Where(f => f.Field == field && f.WireType == WireLengthDelimited).Select(f => f.Bytes!);

    public static byte[]? Bytes(byte[] message, int field) => Messages(message, field).LastOrDefault();

    public static string? Text(byte[] message, int field) =>
        Bytes(message, field) is { } bytes ? System.Text.Encoding.UTF8.GetString(bytes) : null;

    public static ulong? Varint(byte[] message, int field) =>
        Fields(message).Where(f => f.Field == field && f.WireType == WireVarint).Select(f => (ulong?)f.Number).LastOrDefault();

    private static List<(int Field, int WireType, ulong Number, byte[]? Bytes)> Fields(byte[] message)
    {
        var fields = new List<(int, int, ulong, byte[]?)>();
        var position = 0;
        while (position < message.Length)
        {
            var tag = ReadVarint(message, ref position);
            var field = (int)(tag >> 3);
            var wireType = (int)(tag & 7);
            if (field == 0)
            {
                throw new FormatException("field number 0");
            }
            switch (wireType)
            {
                case WireVarint:
                    fields.Add((field, wireType, ReadVarint(message, ref position), null));
                    break;
                case WireFixed64:
                    Take(message, ref position, 8);
                    break;
                case WireFixed32:
                    Take(message, ref position, 4);
                    break;
                case WireLengthDelimited:
                    var length = ReadVarint(message, ref position);
                    if (length > (ulong)(message.Length - position))
                    {
                        throw new FormatException($"field {field} runs past the end");
                    }
                    fields.Add((field, wireType, 0, Take(message, ref position, (int)length)));
                    break;
                default:
                    throw new FormatException($"wire type {wireType} of field {field}");
            }
        }
        return fields;
    }

    private static byte[] Take(byte[] message, ref int position, int count)
    {
        if (count > message.Length - position)
        {
            throw new FormatException("truncated message");
        }
        var bytes = message[position..(position + count)];
        position += count;
        return bytes;
    }

    private static ulong ReadVarint(byte[] message, ref int position)
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (position >= message.Length)
            {
                throw new FormatException("truncated varint");
            }
            var b = message[position++];
            value |= (ulong)(b & 0x7f) << shift;
            if ((b & 0x80) == 0)
            {
                return value;
            }
        }
        throw new FormatException("varint longer than 64 bits");
    }
}
