using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Sightline.Hosting;

namespace Sightline.Cli;

/// <summary>
/// The core a command works with, built by the same composition root as the server from the global options
/// (--data, --database, --models, --detector). Engines load their models only when a command asks for them.
/// </summary>
internal sealed class CliCore : IDisposable
{
    private readonly ServiceProvider _services;

    private CliCore(ServiceProvider services) => _services = services;

    public static CliCore Open(ParseResult parse) => Open(GlobalOptions.Core(parse));

    public static CliCore Open(SightlineOptions options)
    {
        try
        {
            return new CliCore(new ServiceCollection().AddSightline(options).BuildValidated());
        }
        catch (OptionsValidationException ex)
        {
            throw SightlineException.InvalidParameter(string.Join(' ', ex.Failures));
        }
    }

    public SightlineOptions Options => Get<SightlineOptions>();

    public T Get<T>()
        where T : notnull => _services.GetRequiredService<T>();

    public void Dispose() => _services.Dispose();
}
