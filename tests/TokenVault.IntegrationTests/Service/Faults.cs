using System.Reflection;
using PrivateInference.TokenVault.Storage;

namespace PrivateInference.TokenVault.IntegrationTests.Service;

/// <summary>A store that fails the calls a test picks, as a database that went away mid-operation would
/// (<see cref="VaultStoreUnavailableException"/>); every other call reaches the real store.</summary>
public class FaultyStore : DispatchProxy
{
    private IVaultStore _inner = null!;
    private Func<string, object?[], bool>? _fails;
    private int _failures;

    /// <summary>How many calls failed so far.</summary>
    public int Failures => Volatile.Read(ref _failures);

    /// <summary>The store and its switch.</summary>
    public static (IVaultStore Store, FaultyStore Faults) Wrap(IVaultStore inner)
    {
        var store = Create<IVaultStore, FaultyStore>();
        var faults = (FaultyStore)(object)store;
        faults._inner = inner;
        return (store, faults);
    }

    /// <summary>From now on, fails the calls for which <paramref name="fails"/> (method name, arguments) is true; null
    /// fails none.</summary>
    public void FailWhen(Func<string, object?[], bool>? fails) => Volatile.Write(ref _fails, fails);

    /// <summary>Fails the next call of <paramref name="method"/> only.</summary>
    public void FailOnce(string method)
    {
        var failed = 0;
        FailWhen((name, _) => name == method && Interlocked.Exchange(ref failed, 1) == 0);
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        if (Volatile.Read(ref _fails) is { } fails && fails(targetMethod.Name, args ?? []))
        {
            Interlocked.Increment(ref _failures);
            throw new VaultStoreUnavailableException("Injected fault.");
        }

        return targetMethod.Invoke(_inner, args);
    }
}
