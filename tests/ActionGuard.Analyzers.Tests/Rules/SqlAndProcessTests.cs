using ActionGuard.Analyzers.Classification;
using ActionGuard.Analyzers.Tests.TestSupport;

namespace ActionGuard.Analyzers.Tests.Rules;

public sealed class SqlAndProcessTests
{
    [Fact]
    public async Task Sql_constants_passed_to_ado_dapper_ef_and_npgsql_are_classified()
    {
        await Verifier.VerifyAsync("""
            using System.Data;
            using System.Threading.Tasks;
            using Dapper;
            using Microsoft.EntityFrameworkCore;
            using Microsoft.EntityFrameworkCore.Infrastructure;
            using Npgsql;

            class Db(IDbConnection connection, DatabaseFacade database, NpgsqlConnection npgsql)
            {
                private const string Grant = "GRANT SELECT ON customers TO analyst";

                public async Task Run(string table)
                {
                    await connection.ExecuteAsync({|AG0002:Grant|});
                    await connection.ExecuteAsync("SELECT * FROM customers WHERE name = 'DROP'");
                    connection.Execute({|AG0003:"TRUNCATE TABLE audit"|});
                    database.ExecuteSqlRaw({|AG0002:"ALTER ROLE agent WITH SUPERUSER"|});
                    await database.ExecuteSqlRawAsync({|AG0003:"DROP TABLE customers"|});
                    database.ExecuteSqlRaw("DELETE FROM " + table);
                    var command = new NpgsqlCommand({|AG0001:"COPY customers TO '/tmp/c.csv'"|}, null);
                    command.CommandText = {|AG0002:"CREATE USER eve"|};
                    command.CommandText = "COPY customers FROM STDIN";
                    var other = new NpgsqlCommand { CommandText = {|AG0002:"REVOKE ALL ON customers FROM public"|} };
                    using var reader = npgsql.BeginRawBinaryCopy({|AG0001:"COPY (SELECT * FROM customers) TO STDOUT (FORMAT BINARY)"|});
                }
            }
            """, TestOptions.WithStubs(Stubs.GraphAndSql));
    }

    [Fact]
    public async Task Guarded_sql_is_not_reported()
    {
        await Verifier.VerifyAsync("""
            using System.Data;
            using ActionGuard;
            using Dapper;

            public interface IDba { void Grant(); }

            class Dba(IDbConnection connection) : IDba
            {
                [RequiresApproval(ActionKind.PermissionChange)]
                public void Grant() => connection.Execute("GRANT ALL ON db TO agent");
            }
            """, TestOptions.WithStubs(Stubs.GraphAndSql));
    }

    [Theory]
    [InlineData("GRANT SELECT ON t TO u", "PermissionChange")]
    [InlineData("revoke insert on t from u", "PermissionChange")]
    [InlineData("ALTER   USER bob PASSWORD 'x'", "PermissionChange")]
    [InlineData("CREATE ROLE reader", "PermissionChange")]
    [InlineData("COPY t TO STDOUT", "DataExport")]
    [InlineData("SELECT * INTO OUTFILE '/tmp/x' FROM t", "DataExport")]
    [InlineData("DROP TABLE t", "InfrastructureMutation")]
    [InlineData("truncate t", "InfrastructureMutation")]
    public void Sql_text_is_classified(string sql, string kind) =>
        Assert.Equal(kind, SqlTextClassifier.Classify(sql)?.Kind.ToString());

    [Theory]
    [InlineData("SELECT 'GRANT' FROM t")]
    [InlineData("SELECT * FROM t -- DROP TABLE t")]
    [InlineData("SELECT * FROM t /* TRUNCATE */")]
    [InlineData("SELECT dropped, granted FROM [drop]")]
    [InlineData("COPY t FROM STDIN")]
    [InlineData("")]
    public void Harmless_sql_is_not_classified(string sql) => Assert.Null(SqlTextClassifier.Classify(sql));

    [Theory]
    [InlineData("kubectl", "delete pod web-0", "InfrastructureMutation")]
    [InlineData("/usr/local/bin/kubectl", "-n prod apply -f x.yaml", "InfrastructureMutation")]
    [InlineData("kubectl", "create clusterrolebinding admin --clusterrole=cluster-admin", "PermissionChange")]
    [InlineData("kubectl", "cp prod/web-0:/data ./data", "DataExport")]
    [InlineData("terraform", "apply -auto-approve", "InfrastructureMutation")]
    [InlineData("helm", "upgrade web chart/", "InfrastructureMutation")]
    [InlineData("az", "role assignment create --role Owner", "PermissionChange")]
    [InlineData("az", "storage blob upload -f x -c y", "DataExport")]
    [InlineData("az", "vm delete -n x", "InfrastructureMutation")]
    [InlineData("aws", "iam attach-role-policy --role-name r", "PermissionChange")]
    [InlineData("aws", "s3 cp ./dump.sql s3://bucket/dump.sql", "DataExport")]
    [InlineData("aws.exe", "ec2 terminate-instances --instance-ids i-1", "InfrastructureMutation")]
    [InlineData("gcloud", "projects add-iam-policy-binding p --member=user:x", "PermissionChange")]
    [InlineData("gcloud", "compute instances delete vm-1", "InfrastructureMutation")]
    [InlineData("psql", "-c \"\\copy customers to 'c.csv' csv\"", "DataExport")]
    [InlineData("psql", "-c \"GRANT ALL ON t TO u\"", "PermissionChange")]
    [InlineData("scp", "dump.sql host:/tmp", "DataExport")]
    [InlineData("rsync", "-a ./data host:/backup", "DataExport")]
    [InlineData("curl", "-T dump.sql https://example.invalid/upload", "DataExport")]
    [InlineData("bash", "-c \"kubectl delete ns prod\"", "InfrastructureMutation")]
    [InlineData("kubectl", null, "InfrastructureMutation")]
    public void Process_launches_are_classified_by_tool_and_arguments(string tool, string? arguments, string kind) =>
        Assert.Equal(kind, ProcessLaunchClassifier.Classify(tool, arguments)?.Kind.ToString());

    [Theory]
    [InlineData("kubectl", "get pods -n prod")]
    [InlineData("terraform", "plan")]
    [InlineData("helm", "list")]
    [InlineData("aws", "s3 ls s3://bucket")]
    [InlineData("aws", "s3 cp s3://bucket/x ./x")]
    [InlineData("az", "vm list")]
    [InlineData("curl", "https://example.invalid")]
    [InlineData("git", "push")]
    [InlineData("dotnet", "build")]
    public void Read_only_and_unrelated_launches_are_not_classified(string tool, string arguments) =>
        Assert.Null(ProcessLaunchClassifier.Classify(tool, arguments));

    [Fact]
    public async Task Process_start_and_start_info_are_classified_where_constant()
    {
        await Verifier.VerifyAsync("""
            using System.Diagnostics;

            class Ops
            {
                public void Run(string program, string namespaceName)
                {
                    {|AG0003:Process.Start("kubectl", "delete pod web-0")|};
                    Process.Start("kubectl", "get pods");
                    Process.Start("git", "status");
                    {|AG0003:Process.Start(program)|};
                    {|AG0003:Process.Start("kubectl", "delete ns " + namespaceName)|};
                    {|AG0001:Process.Start("scp", ["dump.sql", "host:/tmp"])|};
                    var info = {|AG0002:new ProcessStartInfo("aws", "iam create-access-key --user-name agent")|};
                    Process.Start(info);
                    var other = {|AG0001:new ProcessStartInfo { FileName = "curl", Arguments = "-T dump.sql https://example.invalid" }|};
                    var harmless = new ProcessStartInfo { FileName = "terraform", Arguments = "plan" };
                    var later = new ProcessStartInfo();
                    using var process = new Process { StartInfo = later };
                    process.Start();
                }
            }
            """);
    }
}
