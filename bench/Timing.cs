using System.Diagnostics;

namespace PrivateInference.Bench;

/// <summary>Plain Stopwatch timing for the measurements that BenchmarkDotNet would make too slow (dozens of
/// inputs and stages, some of them seconds long).</summary>
internal static class Timing
{
    /// <summary>Shortest wall time of <paramref name="runs"/> calls, in milliseconds, after <paramref name="warmups"/>
    /// untimed calls. The minimum, not the mean: on a shared machine, interference only ever adds time.</summary>
    public static double BestMilliseconds(Action action, int warmups, int runs)
    {
        for (var i = 0; i < warmups; i++)
        {
            action();
        }

        var times = new double[runs];
        for (var i = 0; i < runs; i++)
        {
            var start = Stopwatch.GetTimestamp();
            action();
            times[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }

        return times.Min();
    }

    /// <summary>Milliseconds of one call.</summary>
    public static double OnceMilliseconds(Action action)
    {
        var start = Stopwatch.GetTimestamp();
        action();
        return Stopwatch.GetElapsedTime(start).TotalMilliseconds;
    }
}
