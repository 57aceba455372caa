using System.Text;

namespace PrivateInference.Cli.Output;

/// <summary>The CLI's standard streams. The one place in src/ allowed to touch System.Console:
/// services log through [LoggerMessage] methods instead.</summary>
internal static class Terminal
{
#pragma warning disable RS0030 // Console is banned in services; the CLI is the exception, kept to this file.
    public static TextWriter Out { get; } = new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false)) { AutoFlush = false };

    public static TextWriter Error => Console.Error;

    public static Stream OpenStandardInput() => Console.OpenStandardInput();

    /// <summary>The whole text of <paramref name="path"/>, or of standard input for "-"; null (after saying why on stderr,
    /// by exception type only) when it cannot be read.</summary>
    public static async Task<string?> ReadInputAsync(string path, string command)
    {
        try
        {
            return path == "-"
                ? await new StreamReader(OpenStandardInput()).ReadToEndAsync().ConfigureAwait(false)
                : await File.ReadAllTextAsync(path).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Error.WriteLine($"pi {command}: cannot read the file ({ex.GetType().Name})");
            return null;
        }
    }
#pragma warning restore RS0030
}
