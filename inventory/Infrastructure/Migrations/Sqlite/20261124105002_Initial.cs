using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Federation.Inventory.Infrastructure.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "AuditLog",
                columns: table => new
                {
                    Sequence = table.Column<long>(type: "INTEGER", nullable: false),
                    At = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    Actor = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Action = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    Target = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Before = table.Column<string>(type: "TEXT", nullable: true),
                    After = table.Column<string>(type: "TEXT", nullable: true),
                    PreviousHash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Hash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AuditLog", x => x.Sequence);
                });

            migrationBuilder.CreateTable(
                name: "RegisterState",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false),
                    Version = table.Column<long>(type: "INTEGER", nullable: false),
                    AuditSequence = table.Column<long>(type: "INTEGER", nullable: false),
                    AuditHead = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    DemoSeeded = table.Column<bool>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RegisterState", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "SignInEvents",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    At = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    Subject = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    SystemId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    ClientId = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    Protocol = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    Outcome = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    UpstreamIdp = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    AssuranceLevel = table.Column<string>(type: "TEXT", maxLength: 20, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SignInEvents", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Systems",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Category = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Lifecycle = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    SearchText = table.Column<string>(type: "TEXT", nullable: false),
                    DataSubjects = table.Column<string>(type: "TEXT", nullable: false),
                    HasThirdCountryTransfer = table.Column<bool>(type: "INTEGER", nullable: false),
                    ClientId = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    SamlEntityId = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    PublicPath = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    Document = table.Column<string>(type: "TEXT", nullable: false),
                    Version = table.Column<long>(type: "INTEGER", nullable: false),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Systems", x => x.Id);
                });

            migrationBuilder.InsertData(
                table: "RegisterState",
                columns: new[] { "Id", "AuditHead", "AuditSequence", "DemoSeeded", "Version" },
                values: new object[] { 1, "0000000000000000000000000000000000000000000000000000000000000000", 0L, false, 0L });

            migrationBuilder.CreateIndex(
                name: "IX_AuditLog_Target",
                table: "AuditLog",
                column: "Target");

            migrationBuilder.CreateIndex(
                name: "IX_SignInEvents_At",
                table: "SignInEvents",
                column: "At");

            migrationBuilder.CreateIndex(
                name: "IX_Systems_Category",
                table: "Systems",
                column: "Category");

            migrationBuilder.CreateIndex(
                name: "IX_Systems_ClientId",
                table: "Systems",
                column: "ClientId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Systems_Lifecycle",
                table: "Systems",
                column: "Lifecycle");

            migrationBuilder.CreateIndex(
                name: "IX_Systems_Name",
                table: "Systems",
                column: "Name");

            migrationBuilder.CreateIndex(
                name: "IX_Systems_PublicPath",
                table: "Systems",
                column: "PublicPath",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Systems_SamlEntityId",
                table: "Systems",
                column: "SamlEntityId",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "AuditLog");

            migrationBuilder.DropTable(
                name: "RegisterState");

            migrationBuilder.DropTable(
                name: "SignInEvents");

            migrationBuilder.DropTable(
                name: "Systems");
        }
    }
}
