using System.Text;
using System.Text.Json;

namespace PrivateInference.TokenVault.Audit;

/// <summary>
/// Builds the payload-free detail of an audit record as canonical JSON: keys sorted, no white space, so the
/// stored text is what the hash chain covers and any replica writes the same bytes for the same facts.
/// </summary>
/// <remarks>Only counts, type names, versions, reasons and identity names go in; never values, fingerprints or
/// token IDs. The typed <c>Add</c> overloads are the whole vocabulary.</remarks>
internal sealed class AuditDetail
{
    private readonly SortedDictionary<string, object> _fields = new(StringComparer.Ordinal);

    public AuditDetail Add(string name, long number)
    {
        _fields[name] = number;
        return this;
    }

    public AuditDetail Add(string name, string text)
    {
        _fields[name] = text;
        return this;
    }

    public AuditDetail Add(string name, bool flag)
    {
        _fields[name] = flag;
        return this;
    }

    /// <summary>Counts per entity type: {"PAN":2,"PERSON":5}.</summary>
    public AuditDetail Add(string name, IReadOnlyDictionary<string, int> counts)
    {
        _fields[name] = new SortedDictionary<string, int>(counts.ToDictionary(), StringComparer.Ordinal);
        return this;
    }

    public string ToJson()
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            foreach (var (name, value) in _fields)
            {
                switch (value)
                {
                    case long number:
                        writer.WriteNumber(name, number);
                        break;
                    case string text:
                        writer.WriteString(name, text);
                        break;
                    case bool flag:
                        writer.WriteBoolean(name, flag);
                        break;
                    case SortedDictionary<string, int> counts:
                        writer.WriteStartObject(name);
                        foreach (var (type, count) in counts)
                        {
                            writer.WriteNumber(type, count);
                        }

                        writer.WriteEndObject();
                        break;
                }
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    public override string ToString() => ToJson();

    /// <summary>The whole-number field <paramref name="name"/> of a stored detail, or null when it has none (or is not
    /// JSON: the chain hash covers the detail as text, so a detail that does not parse names nothing).</summary>
    public static long? Number(string detailJson, string name)
    {
        try
        {
            using var detail = JsonDocument.Parse(detailJson);
            return detail.RootElement.ValueKind == JsonValueKind.Object
                && detail.RootElement.TryGetProperty(name, out var field)
                && field.ValueKind == JsonValueKind.Number
                && field.TryGetInt64(out var value)
                ? value
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
