using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Microsoft.Win32.SafeHandles;

namespace PrivateInference.TokenVault.Keys;

/// <summary>The files of <see cref="LocalKekProvider"/>: one per KEK version, its state in the file name.</summary>
/// <remarks>
/// <list type="bullet">
/// <item><c>name.vN.key</c>: enabled KEK; <c>name.vN.disabled</c>: the same file renamed (atomic, visible to every
/// process); <c>name.vN.destroyed</c>: tombstone, header only.</item>
/// <item><c>name.import.ID.rsa</c>: an import key's RSA-3072 private key (PKCS#8), its expiry in the header.</item>
/// <item>Every file: 8-byte magic <c>PIDEVKEY</c>, kind, origin, 8-byte big-endian Unix milliseconds (creation,
/// expiry or destruction), payload. Created 0600 in a 0700 directory; a file or directory others can read or
/// write is refused, as ssh refuses a private key others can read.</item>
/// <item>Changes take an exclusive lock on <c>.lock</c> (flock on Unix), so two processes cannot create the same
/// version; reads take no lock.</item>
/// </list>
/// </remarks>
internal sealed partial class LocalKeyDirectory
{
    public const string DevelopmentOnlyNotice = "DEVELOPMENT-ONLY-KEYS.txt";
    private const int HeaderLength = 18;
    private const UnixFileMode PrivateFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode PrivateDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode GroupOrOther =
        UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    private static readonly TimeSpan LockTimeout = TimeSpan.FromSeconds(10);

    private readonly Lock _gate = new();

    public LocalKeyDirectory(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Path = System.IO.Path.GetFullPath(path);
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(Path);
        }
        else
        {
            Directory.CreateDirectory(Path, PrivateDirectory);
            if ((File.GetUnixFileMode(Path) & (GroupOrOther & ~(UnixFileMode.GroupExecute | UnixFileMode.OtherExecute))) != 0)
            {
                // Others could list, replace or plant key files.
                throw new InvalidOperationException("The local key directory is readable or writable by other users: chmod 700 it.");
            }
        }

        string notice = System.IO.Path.Combine(Path, DevelopmentOnlyNotice);
        if (!File.Exists(notice))
        {
            try
            {
                using FileStream stream = new(notice, NewFileOptions(bufferSize: 4096));
                stream.Write(System.Text.Encoding.UTF8.GetBytes(LocalKekProvider.Warning + "\n"));
            }
            catch (IOException) when (File.Exists(notice))
            {
                // Another process wrote it first.
            }
        }
    }

    public enum FileKind : byte
    {
        Kek = 1,
        ImportKey = 2,
        Tombstone = 3,
    }

    public string Path { get; }

    public string KekFile(KekId id, KekState state) => System.IO.Path.Combine(Path, string.Create(CultureInfo.InvariantCulture,
        $"{id.Name}.v{id.Version}.{state switch { KekState.Enabled => "key", KekState.Disabled => "disabled", _ => "destroyed" }}"));

    public string ImportKeyFile(string kekName, ImportKeyId id) => System.IO.Path.Combine(Path, $"{kekName}.import.{id}.rsa");

    /// <summary>Runs <paramref name="change"/> holding this process's gate and the directory's file lock.</summary>
    public T Change<T>(Func<T> change)
    {
        lock (_gate)
        {
            using FileStream fileLock = AcquireFileLock();
            return change();
        }
    }

    /// <summary>Writes a new file, 0600, unbuffered (no copy of the payload in a stream buffer). Fails if it exists.</summary>
    public static void WriteNew(string path, FileKind kind, byte origin, DateTimeOffset time, ReadOnlySpan<byte> payload)
    {
        Span<byte> header = stackalloc byte[HeaderLength];
        "PIDEVKEY"u8.CopyTo(header);
        header[8] = (byte)kind;
        header[9] = origin;
        BinaryPrimitives.WriteInt64BigEndian(header[10..], time.ToUnixTimeMilliseconds());

        using var stream = new FileStream(path, NewFileOptions(bufferSize: 0));
        try
        {
            stream.Write(header);
            stream.Write(payload);
            stream.Flush(flushToDisk: true);
        }
        catch
        {
            stream.Dispose();
            File.Delete(path);
            throw;
        }
    }

    /// <summary>Reads a file's payload into a pinned array the caller wipes; checks kind and permissions.</summary>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    public static byte[] ReadPinned(string path, FileKind kind, out byte origin, out DateTimeOffset time)
    {
        using SafeFileHandle handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(handle) & GroupOrOther) != 0)
        {
            throw new KeyUnavailableException(KeyUnavailableReason.PolicyViolation);
        }

        long length = RandomAccess.GetLength(handle);
        Span<byte> header = stackalloc byte[HeaderLength];
        if (length < HeaderLength || length > 64 * 1024 || ReadFully(handle, header, 0) != HeaderLength
            || !header[..8].SequenceEqual("PIDEVKEY"u8) || header[8] != (byte)kind)
        {
            throw new KeyUnavailableException(KeyUnavailableReason.PolicyViolation);
        }

        origin = header[9];
        time = DateTimeOffset.FromUnixTimeMilliseconds(BinaryPrimitives.ReadInt64BigEndian(header[10..]));
        byte[] payload = GC.AllocateArray<byte>((int)length - HeaderLength, pinned: true);
        if (ReadFully(handle, payload, HeaderLength) != payload.Length)
        {
            CryptographicOperations.ZeroMemory(payload);
            throw new KeyUnavailableException(KeyUnavailableReason.PolicyViolation);
        }

        return payload;
    }

    /// <summary>Overwrites a file with zeros, flushes, deletes it; nothing if it is not there.</summary>
    /// <remarks>Best effort against the file's old blocks: journalling file systems and SSDs may keep copies.
    /// One more reason this provider is for development only.</remarks>
    public static void Shred(string path)
    {
        try
        {
            using (SafeFileHandle handle = File.OpenHandle(path, FileMode.Open, FileAccess.Write, FileShare.None))
            {
                byte[] zeros = new byte[RandomAccess.GetLength(handle)];
                RandomAccess.Write(handle, zeros, 0);
                RandomAccess.FlushToDisk(handle);
            }

            File.Delete(path);
        }
        catch (FileNotFoundException)
        {
            // Already gone.
        }
    }

    /// <summary>Every KEK version file of <paramref name="name"/> with the state its name says.</summary>
    public IEnumerable<(KekId Id, KekState State)> Versions(string name)
    {
        foreach (string file in Directory.EnumerateFiles(Path))
        {
            Match match = KekFileName().Match(System.IO.Path.GetFileName(file));
            if (match.Success
                && match.Groups["name"].Value == name
                && int.TryParse(match.Groups["version"].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out int version))
            {
                KekState state = match.Groups["state"].Value switch
                {
                    "key" => KekState.Enabled,
                    "disabled" => KekState.Disabled,
                    _ => KekState.Destroyed,
                };
                yield return (new KekId(name, version), state);
            }
        }
    }

    /// <summary>Import key files of <paramref name="kekName"/>.</summary>
    public IEnumerable<string> ImportKeyFiles(string kekName) =>
        Directory.EnumerateFiles(Path).Where(file =>
            ImportFileName().Match(System.IO.Path.GetFileName(file)) is { Success: true } match && match.Groups["name"].Value == kekName);

    private static FileStreamOptions NewFileOptions(int bufferSize)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None, BufferSize = bufferSize };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = PrivateFile;
        }

        return options;
    }

    private static int ReadFully(SafeFileHandle handle, Span<byte> buffer, long offset)
    {
        var total = 0;
        while (total < buffer.Length)
        {
            int read = RandomAccess.Read(handle, buffer[total..], offset + total);
            if (read == 0)
            {
                break;
            }

            total += read;
        }

        return total;
    }

    private FileStream AcquireFileLock()
    {
        var options = new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.ReadWrite, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = PrivateFile;
        }

        long start = Stopwatch.GetTimestamp();
        while (true)
        {
            try
            {
                return new FileStream(System.IO.Path.Combine(Path, ".lock"), options);
            }
            catch (IOException) when (Stopwatch.GetElapsedTime(start) < LockTimeout)
            {
                // Another process is changing keys.
                Thread.Sleep(20);
            }
        }
    }

    [GeneratedRegex(@"^(?<name>[A-Za-z0-9._-]{1,64})\.v(?<version>[1-9][0-9]{0,9})\.(?<state>key|disabled|destroyed)\z", RegexOptions.CultureInvariant)]
    private static partial Regex KekFileName();

    [GeneratedRegex(@"^(?<name>[A-Za-z0-9._-]{1,64})\.import\.[0-9a-f]{32}\.rsa\z", RegexOptions.CultureInvariant)]
    private static partial Regex ImportFileName();
}
