using Microsoft.Extensions.Options;

namespace Sightline.Hosting;

/// <summary>
/// Options given whole (immutable records built by the host) rather than bound property by property: the factory
/// hands out that instance after every registered validator has passed it, so <c>ValidateOnStart</c> checks it.
/// </summary>
internal sealed class FixedOptionsFactory<T>(T value, IEnumerable<IValidateOptions<T>> validators) : IOptionsFactory<T>
    where T : class
{
    public T Create(string name)
    {
        var failures = new List<string>();
        foreach (var validator in validators)
        {
            var result = validator.Validate(name, value);
            if (result.Failed)
                failures.AddRange(result.Failures ?? [result.FailureMessage]);
        }
        return failures.Count == 0 ? value : throw new OptionsValidationException(name, typeof(T), failures);
    }
}
