using Sightline.Fuzz;
using SharpFuzz;

// sightline-fuzz replay TARGET PATH [--verbose]  run every file under PATH (or one file) in-process; exit 1 on a finding
if (args is ["replay", var name, var path, ..] && args.Skip(3).All(a => a == "--verbose"))
{
    if (args.Length > 3)
        FuzzTargets.Trace = Console.WriteLine;
    var target = FuzzTargets.Create(name);
    var findings = File.Exists(path) ? [.. Replay.RunOne(target, path) is { } one ? [one] : Array.Empty<ReplayFinding>()] : Replay.Run(target, path);
    int count = File.Exists(path) ? 1 : Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories).Count();
    // One report per distinct exception and throwing frame, with every input that raised it.
    foreach (var group in findings.GroupBy(f => string.Join('\n', f.What.Split('\n').Take(2))))
    {
        Console.WriteLine($"FINDING ({group.Count()} inputs: {string.Join(", ", group.Select(f => Path.GetFileName(f.File)))})");
        Console.WriteLine(group.First().What + "\n");
    }
    Console.WriteLine($"{name}: {count} inputs, {findings.Count} findings");
    return findings.Count == 0 ? 0 : 1;
}
// sightline-fuzz TARGET [--out-of-process]   under afl-fuzz; out of process, a crash of native code or a hang
//                                            restarts the child instead of ending the run
if (args is [var fuzzed, ..] && FuzzTargets.Names.Contains(fuzzed) && args.Skip(1).All(a => a == "--out-of-process"))
{
    // Instrumented code may run only once the fork server is up (before it the coverage map is not mapped), so the
    // target, which opens a store for sigv4, is made on the first input. It then runs the seeds in
    // $SIGHTLINE_FUZZ_WARMUP once, so that what runs only on first use (serializer metadata) is not counted as
    // coverage of later inputs.
    IFuzzTarget? target = null;
    Action<Stream> run = stream =>
    {
        if (target is null)
        {
            target = FuzzTargets.Create(fuzzed);
            if (Environment.GetEnvironmentVariable("SIGHTLINE_FUZZ_WARMUP") is { Length: > 0 } warmup && Directory.Exists(warmup))
                Replay.Run(target, warmup);
        }
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        target.Run(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
    };
    if (args.Length > 1)
        Fuzzer.OutOfProcess.Run(run);
    else
        Fuzzer.Run(run);
    return 0;
}
Console.Error.WriteLine($"usage: Sightline.Fuzz TARGET [--out-of-process] | replay TARGET PATH [--verbose]   (targets: {string.Join(", ", FuzzTargets.Names)})");
return 2;
