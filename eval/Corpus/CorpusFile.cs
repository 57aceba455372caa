using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace PrivateInference.Eval.Corpus;

/// <summary>Reads and writes the corpus as JSON lines, fields always in the same order.</summary>
public static class CorpusFile
{
    // The file is read by tools and people, never embedded in HTML, so accented letters stay readable.
    private static readonly JsonWriterOptions WriterOptions = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Indented = false,
    };

    public static string ToJsonLine(CorpusDocument document)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, WriterOptions))
        {
            json.WriteStartObject();
            json.WriteString("id", document.Id);
            json.WriteString("kind", document.Kind);
            json.WriteString("text", document.Text);
            json.WriteStartArray("spans");
            foreach (var span in document.Spans)
            {
                json.WriteStartObject();
                json.WriteNumber("start", span.Start);
                json.WriteNumber("end", span.End);
                json.WriteString("type", span.Type);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteStartArray("negatives");
            foreach (var negative in document.Negatives)
            {
                json.WriteStartObject();
                json.WriteNumber("start", negative.Start);
                json.WriteNumber("end", negative.End);
                json.WriteString("label", negative.Label);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>The input line `pi scan --jsonl` reads: id and text only, so nothing else can leak into the detector.</summary>
    public static string ToScanInputLine(CorpusDocument document)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, WriterOptions))
        {
            json.WriteStartObject();
            json.WriteString("id", document.Id);
            json.WriteString("text", document.Text);
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    public static void Write(string path, IEnumerable<CorpusDocument> documents)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        var text = new StringBuilder();
        foreach (var document in documents)
        {
            text.Append(ToJsonLine(document)).Append('\n');
        }

        File.WriteAllText(path, text.ToString(), new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
    }

    public static IReadOnlyList<CorpusDocument> Read(string path)
    {
        var documents = new List<CorpusDocument>();
        var lineNumber = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            documents.Add(Parse(line, lineNumber));
        }

        return documents;
    }

    public static CorpusDocument Parse(string line, int lineNumber = 0)
    {
        using var json = JsonDocument.Parse(line);
        var root = json.RootElement;
        try
        {
            var spans = root.GetProperty("spans").EnumerateArray()
                .Select(s => new GoldSpan(s.GetProperty("start").GetInt32(), s.GetProperty("end").GetInt32(), s.GetProperty("type").GetString()!))
                .ToList();
            var negatives = root.TryGetProperty("negatives", out var n)
                ? n.EnumerateArray()
                    .Select(s => new NegativeSpan(s.GetProperty("start").GetInt32(), s.GetProperty("end").GetInt32(), s.GetProperty("label").GetString()!))
                    .ToList()
                : [];
            return new CorpusDocument(
                root.GetProperty("id").GetString()!,
                root.TryGetProperty("kind", out var kind) ? kind.GetString()! : "",
                root.GetProperty("text").GetString()!,
                spans,
                negatives);
        }
        catch (KeyNotFoundException e)
        {
            throw new FormatException($"corpus line {lineNumber}: a required field is missing", e);
        }
    }
}
