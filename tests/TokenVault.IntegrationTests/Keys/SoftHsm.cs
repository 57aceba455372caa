using System.Security.Cryptography;
using PrivateInference.TokenVault.Keys;

namespace PrivateInference.TokenVault.IntegrationTests.Keys;

/// <summary>Opens the test token. PKCS#11 allows one initialisation per process: a fixture opens its provider in
/// its one-time set-up and disposes it in its tear-down, and fixtures run one after another.</summary>
internal static class SoftHsm
{
    public static Pkcs11KekProvider Open(bool acceptImportedKeysWithoutReportedLength = false, TimeProvider? time = null) =>
        new(new Pkcs11KekProviderOptions
        {
            ModulePath = TestEnvironment.Pkcs11Module,
            TokenLabel = TestEnvironment.Pkcs11Token,
            Pin = TestEnvironment.Pkcs11Pin,
            AcceptImportedKeysWithoutReportedLength = acceptImportedKeysWithoutReportedLength,
            TimeProvider = time ?? TimeProvider.System,
        });

    /// <summary>A name no other test uses: the token outlives each fixture.</summary>
    public static string NewName() => $"it-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6))}";

    public static KekId NewKekId() => new(NewName(), 1);
}
