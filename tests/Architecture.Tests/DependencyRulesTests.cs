using System.Reflection;

namespace PrivateInference.Architecture.Tests;

/// <summary>The dependency rules of the house, read from the built product assemblies.</summary>
public sealed class DependencyRulesTests
{
    private static readonly string[] ServiceAssemblies =
    [
        "PrivateInference.Redactor",
        "PrivateInference.TokenVault",
        "PrivateInference.Rehydrator",
        "PrivateInference.ModelStage",
    ];

    /// <summary>The only product assembly that may reference service assemblies: the all-in-one dev host.</summary>
    private const string DevelopmentHost = "PrivateInference.Cli";

    private static IEnumerable<Assembly> ProductAssemblies()
    {
        var files = Directory.GetFiles(AppContext.BaseDirectory, "PrivateInference.*.dll")
            .Where(f => !Path.GetFileName(f).Contains(".Tests", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal);
        foreach (var file in files)
        {
            yield return Assembly.LoadFrom(file);
        }
    }

    private static string[] ReferencesOf(Assembly assembly) =>
        assembly.GetReferencedAssemblies().Select(a => a.Name!).ToArray();

    [Test]
    public void The_product_assemblies_are_found()
    {
        var names = ProductAssemblies().Select(a => a.GetName().Name).ToArray();

        Assert.That(names, Is.SupersetOf(new[] { "PrivateInference.Contracts", "PrivateInference.Redactor", "PrivateInference.TokenVault", "PrivateInference.Rehydrator", "PrivateInference.Cryptography", "PrivateInference.Cli" }));
    }

    [Test]
    public void Only_the_development_host_references_service_assemblies()
    {
        var offenders = ProductAssemblies()
            .Where(a => a.GetName().Name != DevelopmentHost)
            .SelectMany(a => ReferencesOf(a).Where(r => ServiceAssemblies.Contains(r)).Select(r => $"{a.GetName().Name} -> {r}"))
            .ToArray();

        Assert.That(offenders, Is.Empty);
    }

    [Test]
    public void Only_the_vault_uses_Npgsql_Dapper_and_Pkcs11Interop()
    {
        string[] vaultOnly = ["Npgsql", "Dapper", "Pkcs11Interop"];
        var offenders = ProductAssemblies()
            .Where(a => a.GetName().Name != "PrivateInference.TokenVault")
            .SelectMany(a => ReferencesOf(a).Where(r => vaultOnly.Contains(r)).Select(r => $"{a.GetName().Name} -> {r}"))
            .ToArray();

        Assert.That(offenders, Is.Empty);
    }

    [Test]
    public void Only_the_cryptography_library_uses_BouncyCastle()
    {
        var offenders = ProductAssemblies()
            .Where(a => a.GetName().Name != "PrivateInference.Cryptography")
            .SelectMany(a => ReferencesOf(a).Where(r => r.StartsWith("BouncyCastle", StringComparison.Ordinal)).Select(r => $"{a.GetName().Name} -> {r}"))
            .ToArray();

        Assert.That(offenders, Is.Empty);
    }

    [Test]
    public void Contracts_reference_nothing_of_ours()
    {
        var contracts = ProductAssemblies().Single(a => a.GetName().Name == "PrivateInference.Contracts");

        Assert.That(ReferencesOf(contracts).Where(r => r.StartsWith("PrivateInference.", StringComparison.Ordinal)), Is.Empty);
    }

    [Test]
    public void The_redactor_never_touches_storage_or_key_libraries()
    {
        var redactor = ProductAssemblies().Single(a => a.GetName().Name == "PrivateInference.Redactor");

        Assert.That(ReferencesOf(redactor), Has.None.StartsWith("Npgsql").And.None.StartsWith("Pkcs11Interop").And.None.StartsWith("Microsoft.Data.Sqlite"));
    }

    [Test]
    public void The_rehydrator_references_only_contracts_cryptography_the_vault_client_and_telemetry_of_ours_and_no_storage_or_key_library()
    {
        var rehydrator = ProductAssemblies().Single(a => a.GetName().Name == "PrivateInference.Rehydrator");
        var ours = ReferencesOf(rehydrator).Where(r => r.StartsWith("PrivateInference.", StringComparison.Ordinal));

        Assert.That(ours, Is.SubsetOf(new[] { "PrivateInference.Contracts", "PrivateInference.Cryptography", "PrivateInference.VaultClient", "PrivateInference.Telemetry" }));
        Assert.That(ReferencesOf(rehydrator), Has.None.StartsWith("Npgsql").And.None.StartsWith("Dapper").And.None.StartsWith("Pkcs11Interop").And.None.StartsWith("Microsoft.Data.Sqlite"));
    }

    [Test]
    public void The_vault_client_is_a_leaf_with_no_product_reference_and_no_storage_or_key_library()
    {
        var client = ProductAssemblies().Single(a => a.GetName().Name == "PrivateInference.VaultClient");

        Assert.That(ReferencesOf(client).Where(r => r.StartsWith("PrivateInference.", StringComparison.Ordinal)), Is.Empty);
        Assert.That(ReferencesOf(client), Has.None.StartsWith("Npgsql").And.None.StartsWith("Pkcs11Interop").And.None.StartsWith("Microsoft.Data.Sqlite"));
    }

    [Test]
    public void Telemetry_is_a_leaf_every_service_uses_and_holds_no_storage_or_key_library()
    {
        var assemblies = ProductAssemblies().ToList();
        var telemetry = assemblies.Single(a => a.GetName().Name == "PrivateInference.Telemetry");
        var users = assemblies.Where(a => ReferencesOf(a).Contains("PrivateInference.Telemetry")).Select(a => a.GetName().Name);

        Assert.That(ReferencesOf(telemetry).Where(r => r.StartsWith("PrivateInference.", StringComparison.Ordinal)), Is.Empty);
        Assert.That(ReferencesOf(telemetry), Has.None.StartsWith("Npgsql").And.None.StartsWith("Pkcs11Interop").And.None.StartsWith("Microsoft.Data.Sqlite").And.None.StartsWith("BouncyCastle"));
        Assert.That(users, Is.SupersetOf(new[] { "PrivateInference.Redactor", "PrivateInference.TokenVault", "PrivateInference.Rehydrator" }));
    }
}
