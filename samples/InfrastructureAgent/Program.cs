// An operations agent whose cluster mutations wait for a person: see InfrastructureStory.
using InfrastructureAgent;

return await InfrastructureStory.RunAsync(Console.Out);
