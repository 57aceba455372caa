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
#pragma warning restore RS0030
}
