using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using PrivateInference.Cli.Output;
using PrivateInference.Redactor.Detection;
using PrivateInference.Redactor.Policy;

namespace PrivateInference.Cli.Commands;

/// <summary><c>pi scan FILE</c> and <c>pi scan --jsonl IN --out OUT</c>: find sensitive entities, show
/// where they are, never what they are.</summary>
internal static class ScanCommand
{
    /// <summary>Exit code when some JSON Lines input lines were not valid (EX_DATAERR).</summary>
    private const int InvalidInput = 65;

    public static Command Create()
    {
        var file = new Argument<string?>("FILE") { Description = "Text file to scan, or - for standard input", Arity = ArgumentArity.ZeroOrOne };
        var jsonl = new Option<string?>("--jsonl") { Description = "Scan JSON Lines input ({\"id\":…,\"text\":…} per line; - for stdin)" };
        var output = new Option<string?>("--out") { Description = "Where --jsonl writes its results (default: standard output)" };
        var minConfidence = new Option<double>("--min-confidence") { Description = "Drop entities below this confidence (0..1)", DefaultValueFactory = _ => ScanOptions.DefaultMinConfidence };
        var types = new Option<string?>("--types") { Description = "Comma-separated entity types to report (default: all), e.g. PAN,SSN" };
        var tenant = new Option<string?>("--tenant") { Description = "Apply this tenant's detection policy (PI_DETECTION_POLICY or $PI_HOME/detection-policy.json)" };

        var command = new Command("scan", "Find card data and other sensitive entities in text; values are shown masked")
        {
            file, jsonl, output, minConfidence, types, tenant,
        };
        command.SetAction(parse =>
        {
            var requested = BuildOptions(parse.GetValue(minConfidence), parse.GetValue(types));
            if (requested is null)
            {
                return 2;
            }

            var policy = LoadPolicy("scan");
            if (policy is null)
            {
                return 2;
            }

            var options = policy.For(parse.GetValue(tenant), requested.Types, requested.MinConfidence);

            var jsonlPath = parse.GetValue(jsonl);
            if (jsonlPath is not null)
            {
                return ScanJsonl(jsonlPath, parse.GetValue(output), options);
            }

            var path = parse.GetValue(file);
            if (path is null)
            {
                Terminal.Error.WriteLine("pi scan: give a FILE (or -), or --jsonl IN");
                return 2;
            }

            return ScanFile(path, options);
        });
        return command;
    }

    /// <summary>The detection policy named by <c>PI_DETECTION_POLICY</c>, else <c>$PI_HOME/detection-policy.json</c>
    /// if it exists, else every type for every tenant. An unreadable policy stops the command.</summary>
    internal static DetectionPolicy? LoadPolicy(string command)
    {
        var path = Environment.GetEnvironmentVariable("PI_DETECTION_POLICY");
        if (string.IsNullOrWhiteSpace(path))
        {
            var candidate = Path.Combine(PiHome.Directory, "detection-policy.json");
            path = File.Exists(candidate) ? candidate : null;
        }

        if (path is null)
        {
            return DetectionPolicy.Everything;
        }

        try
        {
            return DetectionPolicy.Load(path);
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            Terminal.Error.WriteLine($"pi {command}: cannot use the detection policy {path}: {(ex is InvalidDataException ? ex.Message : ex.GetType().Name)}");
            return null;
        }
    }

    private static ScanOptions? BuildOptions(double minConfidence, string? types)
    {
        if (minConfidence is < 0 or > 1)
        {
            Terminal.Error.WriteLine("pi scan: --min-confidence must be between 0 and 1");
            return null;
        }

        HashSet<EntityType>? set = null;
        if (!string.IsNullOrWhiteSpace(types))
        {
            set = [];
            foreach (var name in types.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (!EntityTypes.TryParseWireName(name, out var type))
                {
                    Terminal.Error.WriteLine($"pi scan: unknown entity type in --types; known: {string.Join(',', EntityTypes.All.Select(t => t.WireName()))}");
                    return null;
                }

                set.Add(type);
            }
        }

        return new ScanOptions { MinConfidence = minConfidence, Types = set };
    }

    private static int ScanFile(string path, ScanOptions options)
    {
        string text;
        try
        {
            text = path == "-" ? new StreamReader(Terminal.OpenStandardInput()).ReadToEnd() : File.ReadAllText(path);
        }
        catch (IOException ex)
        {
            Terminal.Error.WriteLine($"pi scan: cannot read the file ({ex.GetType().Name})");
            return 66;
        }

        var entities = DetectionEngine.Default.Scan(text, options);
        var line = 1;
        var lineStart = 0;
        var cursor = 0;
        var outWriter = Terminal.Out;
        foreach (var e in entities)
        {
            for (; cursor < e.Start; cursor++)
            {
                if (text[cursor] == '\n')
                {
                    line++;
                    lineStart = cursor + 1;
                }
            }

            outWriter.Write(e.Type.WireName().PadRight(16));
            outWriter.Write(string.Create(CultureInfo.InvariantCulture, $"{line}:{e.Start - lineStart + 1}").PadRight(10));
            outWriter.Write(e.Confidence.ToString("0.00", CultureInfo.InvariantCulture));
            outWriter.Write("  ");
            outWriter.WriteLine(Masking.Mask(text.AsSpan(e.Start, e.Length), e.Type));
        }

        outWriter.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{entities.Count} entities found"));
        outWriter.Flush();
        return 0;
    }

    private static int ScanJsonl(string inputPath, string? outputPath, ScanOptions options)
    {
        Stream input;
        Stream output;
        try
        {
            input = inputPath == "-" ? Terminal.OpenStandardInput() : File.OpenRead(inputPath);
            output = outputPath is null or "-" ? Stream.Null : File.Create(outputPath);
        }
        catch (IOException ex)
        {
            Terminal.Error.WriteLine($"pi scan: cannot open the input or output file ({ex.GetType().Name})");
            return 66;
        }

        var invalid = 0;
        using (input)
        using (output)
        {
            var toStdout = output == Stream.Null;
            using var reader = new StreamReader(input, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16);
            var buffered = new BufferedStream(toStdout ? StandardOutput() : output, 1 << 16);
            using var writer = new Utf8JsonWriter(buffered, new JsonWriterOptions { SkipValidation = true });
            // Batches of lines are scanned on every core and written back in input order.
            const int BatchSize = 512;
            var lines = new string?[BatchSize];
            var records = new JsonlRecord[BatchSize];
            var valid = new bool[BatchSize];
            var results = new IReadOnlyList<DetectedEntity>[BatchSize];
            var lineNumber = 0;
            while (true)
            {
                var count = 0;
                while (count < BatchSize && reader.ReadLine() is { } line)
                {
                    lines[count++] = line;
                }

                if (count == 0)
                {
                    break;
                }

                Parallel.For(0, count, i =>
                {
                    valid[i] = !string.IsNullOrWhiteSpace(lines[i]) && JsonlRecord.TryRead(lines[i]!, out records[i]);
                    results[i] = valid[i] ? DetectionEngine.Default.Scan(records[i].Text, options) : [];
                });

                for (var i = 0; i < count; i++)
                {
                    lineNumber++;
                    if (!valid[i])
                    {
                        if (!string.IsNullOrWhiteSpace(lines[i]))
                        {
                            invalid++;
                            Terminal.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"pi scan: line {lineNumber} is not a JSON object with a string \"text\"; skipped"));
                        }

                        continue;
                    }

                    JsonlRecord.Write(writer, records[i].Id, results[i]);
                    writer.Flush();
                    buffered.WriteByte((byte)'\n');
                    records[i].Dispose();
                }
            }

            buffered.Flush();
        }

        return invalid == 0 ? 0 : InvalidInput;
    }

    private static Stream StandardOutput()
    {
        Terminal.Out.Flush();
#pragma warning disable RS0030 // The CLI writes its own standard output.
        return Console.OpenStandardOutput();
#pragma warning restore RS0030
    }
}
