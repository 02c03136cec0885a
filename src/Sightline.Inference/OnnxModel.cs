using System.Buffers;
using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;
using Sightline.Models;

namespace Sightline.Inference;

/// <summary>Session settings shared by every model. One intra-op thread per run: faces and tiles run in parallel instead.</summary>
public sealed record InferenceOptions
{
    public int IntraOpThreads { get; init; } = 1;
}

/// <summary>
/// One ONNX Runtime session for a model file, for the process lifetime (Run is thread-safe). Inputs are fed
/// from pooled buffers; the time spent inside <c>Run</c> is counted per model for benchmarks and metrics.
/// </summary>
public sealed class OnnxModel : IDisposable
{
    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions = new();
    private readonly string[] _inputNames;
    private long _runs;
    private long _runTicks;

    public OnnxModel(ModelFile file, InferenceOptions options)
    {
        File = file;
        using var so = new SessionOptions
        {
            IntraOpNumThreads = options.IntraOpThreads,
            InterOpNumThreads = 1,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
        };
        try
        {
            _session = new InferenceSession(file.FullPath, so);
        }
        catch (OnnxRuntimeException ex)
        {
            throw new SightlineException(ErrorKind.ModelUnavailable, $"Model file {file.FullPath} could not be loaded by ONNX Runtime: {ex.Message}", ex);
        }
        _inputNames = [.. _session.InputMetadata.Keys];
        OutputNames = [.. _session.OutputMetadata.Keys];
    }

    public ModelFile File { get; }

    public IReadOnlyList<string> OutputNames { get; }

    public IReadOnlyDictionary<string, NodeMetadata> Inputs => _session.InputMetadata;

    public IReadOnlyDictionary<string, NodeMetadata> Outputs => _session.OutputMetadata;

    /// <summary>The model's metadata_props (exporters such as Ultralytics record class names and input size there).</summary>
    public IReadOnlyDictionary<string, string> CustomMetadata => _session.ModelMetadata.CustomMetadataMap;

    public long Runs => Interlocked.Read(ref _runs);

    public TimeSpan RunTime => TimeSpan.FromSeconds(Interlocked.Read(ref _runTicks) / (double)Stopwatch.Frequency);

    /// <summary>The single input's dimensions with symbolic ones taken as 1.</summary>
    public int[] InputShape => [.. _session.InputMetadata[_inputNames[0]].Dimensions.Select(d => d > 0 ? d : 1)];

    /// <summary>The single input's fixed dimensions; a symbolic batch counts as 1. Other symbolic dims are rejected.</summary>
    public int[] FixedInputShape(int rank)
    {
        if (_inputNames.Length != 1)
            throw Unsupported($"expected one input, found {_inputNames.Length}");
        var dims = _session.InputMetadata[_inputNames[0]].Dimensions;
        if (dims.Length != rank)
            throw Unsupported($"expected a rank-{rank} input, found rank {dims.Length}");
        var shape = dims.Select((d, i) => d > 0 ? d : i == 0 ? 1 : -1).ToArray();
        if (shape.Any(d => d < 0))
            throw Unsupported($"input dimensions [{string.Join(",", dims)}] are not fixed");
        return shape;
    }

    public SightlineException Unsupported(string detail) =>
        new(ErrorKind.ModelUnavailable, $"Model '{File.Id}' ({File.FullPath}) does not have the layout of the '{File.Family}' family: {detail}.");

    /// <summary>
    /// Runs the model on one input tensor. <paramref name="fill"/> writes the input into a pooled buffer;
    /// the outputs are owned by the caller.
    /// </summary>
    public IDisposableReadOnlyCollection<OrtValue> Run<TState>(long[] shape, TState state, SpanAction<float, TState> fill)
    {
        int length = checked((int)shape.Aggregate(1L, (a, b) => a * b));
        float[] buffer = ArrayPool<float>.Shared.Rent(length);
        try
        {
            fill(buffer.AsSpan(0, length), state);
            using var input = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, buffer.AsMemory(0, length), shape);
            long start = Stopwatch.GetTimestamp();
            var outputs = _session.Run(_runOptions, _inputNames, [input], OutputNames);
            Interlocked.Add(ref _runTicks, Stopwatch.GetTimestamp() - start);
            Interlocked.Increment(ref _runs);
            return outputs;
        }
        finally
        {
            ArrayPool<float>.Shared.Return(buffer);
        }
    }

    /// <summary>Runs on an already-filled buffer without counting; used by the benchmark to time raw ONNX Runtime.</summary>
    public void RunRaw(float[] input, long[] shape)
    {
        using var value = OrtValue.CreateTensorValueFromMemory(input, shape);
        using var outputs = _session.Run(_runOptions, _inputNames, [value], OutputNames);
    }

    public void ResetCounters()
    {
        Interlocked.Exchange(ref _runs, 0);
        Interlocked.Exchange(ref _runTicks, 0);
    }

    public void Dispose()
    {
        _runOptions.Dispose();
        _session.Dispose();
    }
}
