using System.Text.Json;
using PrivateInference.Redactor.Detection;

namespace PrivateInference.Cli.Commands;

/// <summary>One line of <c>pi scan --jsonl</c>: <c>{"id": …, "text": …}</c> in, <c>{"id": …, "spans": […]}</c> out.
/// The id is echoed exactly as given (string, number or anything else); other fields are ignored.</summary>
internal readonly struct JsonlRecord : IDisposable
{
    private readonly JsonDocument _document;

    private JsonlRecord(JsonDocument document, JsonElement id, string text)
    {
        _document = document;
        Id = id;
        Text = text;
    }

    public JsonElement Id { get; }

    public string Text { get; }

    public static bool TryRead(string line, out JsonlRecord record)
    {
        record = default;
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(line);
        }
        catch (JsonException)
        {
            return false;
        }

        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object
            || !root.TryGetProperty("text", out var text)
            || text.ValueKind != JsonValueKind.String)
        {
            document.Dispose();
            return false;
        }

        var id = root.TryGetProperty("id", out var idValue) ? idValue : default;
        record = new JsonlRecord(document, id, text.GetString()!);
        return true;
    }

    public static void Write(Utf8JsonWriter writer, JsonElement id, IReadOnlyList<DetectedEntity> entities)
    {
        writer.Reset();
        writer.WriteStartObject();
        writer.WritePropertyName("id");
        if (id.ValueKind == JsonValueKind.Undefined)
        {
            writer.WriteNullValue();
        }
        else
        {
            id.WriteTo(writer);
        }

        writer.WriteStartArray("spans");
        foreach (var e in entities)
        {
            writer.WriteStartObject();
            writer.WriteNumber("start", e.Start);
            writer.WriteNumber("end", e.End);
            writer.WriteString("type", e.Type.WireName());
            writer.WriteNumber("score", Math.Round(e.Confidence, 4));
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    public void Dispose() => _document?.Dispose();
}
