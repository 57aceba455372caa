using System.Diagnostics;
using System.Globalization;

namespace PrivateInference.Bench.Vault;

/// <summary>
/// How the machine's CPU time was shared during a phase: this process (the vault), the PostgreSQL server
/// processes, everything else (on a shared machine: colleagues' builds), and idle. Linux only (/proc); on other
/// systems, or when PostgreSQL is not on this machine, the parts it cannot see are folded into "other".
/// </summary>
internal sealed class CpuMeter
{
    // USER_HZ: the unit of /proc/stat and /proc/<pid>/stat times; 100 on every Linux build that matters here.
    private const double TicksPerSecond = 100;

    private readonly long _machineBusy;
    private readonly long _machineTotal;
    private readonly TimeSpan _process;
    private readonly Dictionary<int, long> _postgres;

    private CpuMeter(long machineBusy, long machineTotal, TimeSpan process, Dictionary<int, long> postgres)
    {
        _machineBusy = machineBusy;
        _machineTotal = machineTotal;
        _process = process;
        _postgres = postgres;
    }

    public static CpuMeter Start(IReadOnlyList<int> postgresPids)
    {
        var (busy, total) = Machine();
        return new CpuMeter(busy, total, Process.GetCurrentProcess().TotalProcessorTime, PostgresTicks(postgresPids));
    }

    /// <summary>Shares of the machine's capacity (all cores) since <see cref="Start"/>; null without /proc/stat.</summary>
    public CpuShares? Stop(IReadOnlyList<int> postgresPids)
    {
        var (busy, total) = Machine();
        var capacity = total - _machineTotal;
        if (capacity <= 0)
        {
            return null;
        }

        var vault = (Process.GetCurrentProcess().TotalProcessorTime - _process).TotalSeconds * TicksPerSecond;
        var postgres = 0L;
        foreach (var (pid, ticks) in PostgresTicks(postgresPids))
        {
            postgres += ticks - _postgres.GetValueOrDefault(pid);
        }

        var machineBusy = busy - _machineBusy;
        var other = Math.Max(0, machineBusy - vault - postgres);
        return new CpuShares(vault / capacity, postgres / (double)capacity, other / capacity, Math.Max(0, capacity - machineBusy) / (double)capacity);
    }

    private static (long Busy, long Total) Machine()
    {
        try
        {
            // cpu  user nice system idle iowait irq softirq steal guest guest_nice
            var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var values = fields.Skip(1).Take(8).Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();
            var total = values.Sum();
            return (total - values[3] - values[4], total);
        }
        catch (IOException)
        {
            return (0, 0);
        }
        catch (UnauthorizedAccessException)
        {
            return (0, 0);
        }
    }

    private static Dictionary<int, long> PostgresTicks(IReadOnlyList<int> pids)
    {
        var ticks = new Dictionary<int, long>();
        foreach (var pid in pids)
        {
            try
            {
                // The command may hold spaces and parentheses: the fields start after the last ')'.
                var stat = File.ReadAllText($"/proc/{pid}/stat");
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                // utime and stime are fields 14 and 15 of the whole line, 12 and 13 after the command.
                ticks[pid] = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            }
            catch (IOException)
            {
                // The backend exited, or the server is not on this machine.
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        return ticks;
    }
}

/// <summary>Fractions of the machine's CPU capacity during a phase.</summary>
internal readonly record struct CpuShares(double Vault, double Postgres, double Other, double Idle)
{
    public override string ToString() => FormattableString.Invariant(
        $"CPU of all {Environment.ProcessorCount} cores: vault process {Vault:P0}, PostgreSQL {Postgres:P0}, other processes {Other:P0}, idle {Idle:P0}");
}
