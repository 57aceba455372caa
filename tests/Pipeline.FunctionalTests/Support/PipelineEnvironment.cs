namespace PrivateInference.Pipeline.FunctionalTests.Support;

/// <summary>The real services the functional tests use, as exported by scripts/test.sh.</summary>
internal static class PipelineEnvironment
{
    public static readonly string[] RequiredVariables = ["PI_TEST_POSTGRES", "PI_PKCS11_MODULE", "PI_PKCS11_TOKEN", "PI_PKCS11_PIN"];

    public static string Postgres => Required("PI_TEST_POSTGRES");

    public static string Pkcs11Module => Required("PI_PKCS11_MODULE");

    public static string Pkcs11Token => Required("PI_PKCS11_TOKEN");

    public static string Pkcs11Pin => Required("PI_PKCS11_PIN");

    public static bool IsCi =>
        Environment.GetEnvironmentVariable("CI") is { } ci && (ci.Equals("true", StringComparison.OrdinalIgnoreCase) || ci == "1");

    /// <summary>Locally a missing service skips the tests; under CI it fails them.</summary>
    public static void RequireServices()
    {
        var missing = RequiredVariables.Where(v => string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(v))).ToList();
        if (missing.Count == 0 && File.Exists(Pkcs11Module))
        {
            return;
        }

        var message = $"Missing {string.Join(", ", missing.DefaultIfEmpty("PI_PKCS11_MODULE file"))}: run PI_TEST_TARGET=tests/Pipeline.FunctionalTests bash scripts/test.sh, which starts PostgreSQL and SoftHSM2 and exports them.";
        if (IsCi)
        {
            Assert.Fail(message);
        }

        Assert.Ignore(message);
    }

    private static string Required(string name) =>
        Environment.GetEnvironmentVariable(name) ?? throw new InvalidOperationException($"{name} is not set; run scripts/test.sh.");
}
