using System.CommandLine;
using Spectre.Console;

namespace Sightline.Cli;

/// <summary>Shared plumbing: one-line errors with exit codes, JSON output, progress on a terminal.</summary>
internal static class Cli
{
    public const int ExitBadInput = 2;
    public const int ExitModels = 3;
    public const int ExitFailure = 1;

    public static IAnsiConsole Err { get; } = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });

    /// <summary>Wraps a command body: typed errors become one line on stderr and a non-zero exit code.</summary>
    public static void SetGuardedAction(this Command command, Func<ParseResult, CancellationToken, Task<int>> action) =>
        command.SetAction(async (parse, ct) =>
        {
            try
            {
                return await action(parse, ct).ConfigureAwait(false);
            }
            catch (SightlineException ex)
            {
                Console.Error.WriteLine($"sightline: {ex.Message}");
                return ex.Kind == ErrorKind.ModelUnavailable ? ExitModels : ExitBadInput;
            }
            catch (OperationCanceledException)
            {
                Console.Error.WriteLine("sightline: cancelled");
                return 130;
            }
        });

    public static void SetSyncAction(this Command command, Func<ParseResult, CancellationToken, int> action) =>
        command.SetGuardedAction((parse, ct) => Task.FromResult(action(parse, ct)));

    /// <summary>Runs <paramref name="work"/> under a progress bar on stderr when it is a terminal; plainly otherwise.</summary>
    /// <param name="linesWhenRedirected">When stderr is not a terminal, still report every 5% as a line (long benchmarks).</param>
    public static T WithProgress<T>(string label, Func<IProgress<(int Done, int Total)>?, T> work, bool linesWhenRedirected = false)
    {
        if (Console.IsErrorRedirected)
            return work(linesWhenRedirected ? new LineProgress(label) : null);
        T result = default!;
        Err.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask(label, maxValue: 1);
                result = work(new Progress<(int Done, int Total)>(p =>
                {
                    task.MaxValue = Math.Max(1, p.Total);
                    task.Value = p.Done;
                }));
                task.Value = task.MaxValue;
            });
        return result;
    }

    /// <summary>As <see cref="WithProgress{T}"/>, for work that awaits.</summary>
    public static async Task<T> WithProgressAsync<T>(string label, Func<IProgress<(int Done, int Total)>?, Task<T>> work, bool linesWhenRedirected = false)
    {
        if (Console.IsErrorRedirected)
            return await work(linesWhenRedirected ? new LineProgress(label) : null).ConfigureAwait(false);
        return await Err.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .StartAsync(async ctx =>
            {
                var task = ctx.AddTask(label, maxValue: 1);
                var result = await work(new Progress<(int Done, int Total)>(p =>
                {
                    task.MaxValue = Math.Max(1, p.Total);
                    task.Value = p.Done;
                })).ConfigureAwait(false);
                task.Value = task.MaxValue;
                return result;
            }).ConfigureAwait(false);
    }

    public static string CsvRoot(string csv, string? root) =>
        Path.GetFullPath(root ?? Path.GetDirectoryName(Path.GetFullPath(csv)) ?? ".");

    /// <summary>Progress as plain lines on stderr: one per 5% step, with the time.</summary>
    private sealed class LineProgress(string label) : IProgress<(int Done, int Total)>
    {
        private int _step = -1;

        public void Report((int Done, int Total) value)
        {
            int step = value.Total > 0 ? (int)(20L * value.Done / value.Total) : 0;
            if (Interlocked.Exchange(ref _step, Math.Max(step, Volatile.Read(ref _step))) < step)
                Console.Error.WriteLine($"{DateTime.UtcNow:HH:mm:ss} {label}: {value.Done:N0} of {value.Total:N0} ({step * 5}%)");
        }
    }
}

/// <summary>Benchmark progress on the CLI: Spectre progress bars on a terminal, lines when asked, notes on stderr.</summary>
internal sealed class CliProgress : Sightline.Benchmarks.IBenchProgress
{
    public static CliProgress Instance { get; } = new();

    public T Run<T>(string label, Func<IProgress<(int Done, int Total)>?, T> work, bool linesWhenRedirected = false) => Cli.WithProgress(label, work, linesWhenRedirected);

    public void Note(string message) => Console.Error.WriteLine(message);
}
