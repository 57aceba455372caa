using System.Diagnostics;
using NUnit.Framework;

namespace PrivateInference.TokenVault.IntegrationTests.Cli;

/// <summary>What a run of <c>pi</c> printed and returned.</summary>
internal sealed record PiResult(int ExitCode, string Out, string Error)
{
    public string[] Lines => Out.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public override string ToString() => $"exit {ExitCode}\nstdout:\n{Out}\nstderr:\n{Error}";
}

/// <summary>The command line, built once per test run into a temporary folder and run as a process, as operators do.</summary>
/// <remarks>Each run gets a clean environment for the vault: none of the PI_* settings of the test process reach it
/// unless the test passes them (the test run's PKCS#11 and SoftHSM settings are passed only where a test asks).</remarks>
internal sealed class PiCommand : IDisposable
{
    private static readonly string[] VaultVariables =
    [
        "PI_HOME", "PI_VAULT_POSTGRES", "PI_VAULT_POSTGRES_SCHEMA", "PI_VAULT_TOKEN", "PI_VAULT_JWKS",
        "PI_PKCS11_MODULE", "PI_PKCS11_TOKEN", "PI_PKCS11_PIN",
    ];

    private readonly string _folder;
    private readonly string _dll;

    private PiCommand(string folder)
    {
        _folder = folder;
        _dll = Path.Combine(folder, "PrivateInference.Cli.dll");
    }

    /// <summary><c>dotnet build src/Cli -c Release -o &lt;temp&gt;</c> from the repository this test assembly was built in.</summary>
    public static async Task<PiCommand> BuildAsync()
    {
        var root = RepositoryRoot();
        var folder = Directory.CreateTempSubdirectory("pi-cli-").FullName;
        var build = await RunProcessAsync(
            "dotnet",
            ["build", Path.Combine(root, "src", "Cli", "Cli.csproj"), "-c", "Release", "-o", folder, "--nologo", "-v", "q", "-p:UseSharedCompilation=false"],
            new Dictionary<string, string?> { ["MSBUILDDISABLENODEREUSE"] = "1", ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1" },
            stdin: null,
            TimeSpan.FromMinutes(10));
        Assert.That(build.ExitCode, Is.Zero, $"building the CLI failed:\n{build}");
        return new PiCommand(folder);
    }

    /// <summary>Runs <c>pi args</c> with <paramref name="environment"/> (on top of a vault-free environment) and
    /// <paramref name="stdin"/> (lines).</summary>
    public Task<PiResult> RunAsync(IReadOnlyDictionary<string, string?> environment, IEnumerable<string>? stdin, params string[] args)
    {
        var variables = VaultVariables.ToDictionary(name => name, _ => (string?)null);
        foreach (var (name, value) in environment)
        {
            variables[name] = value;
        }

        return RunProcessAsync("dotnet", [_dll, .. args], variables, stdin is null ? null : string.Join('\n', stdin) + "\n", TimeSpan.FromMinutes(2));
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static async Task<PiResult> RunProcessAsync(string file, IEnumerable<string> args, IReadOnlyDictionary<string, string?> environment, string? stdin, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (name, value) in environment)
        {
            if (value is null)
            {
                start.Environment.Remove(name);
            }
            else
            {
                start.Environment[name] = value;
            }
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin);
        }

        process.StandardInput.Close();
        using var timer = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(timer.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return new PiResult(process.ExitCode, await output, await errors);
    }

    private static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "PrivateInference.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException("The repository root (PrivateInference.sln) is not above the test assembly.");
    }
}
