using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Federation.Idp.Saml.Storage.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class InitialSaml : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "saml_key_material",
                columns: table => new
                {
                    Name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Protected = table.Column<byte[]>(type: "bytea", nullable: false),
                    CreatedAtUnixMs = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_saml_key_material", x => x.Name);
                });

            migrationBuilder.CreateTable(
                name: "saml_pending_request",
                columns: table => new
                {
                    Handle = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    SpEntityId = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: false),
                    RequestId = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    AcsUrl = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false),
                    RelayState = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    ForceAuthn = table.Column<bool>(type: "boolean", nullable: false),
                    IsPassive = table.Column<bool>(type: "boolean", nullable: false),
                    NameIdFormat = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: true),
                    RequestedAuthnContext = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false),
                    Comparison = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    ReceivedAtUnixMs = table.Column<long>(type: "bigint", nullable: false),
                    ExpiresAtUnixMs = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_saml_pending_request", x => x.Handle);
                });

            migrationBuilder.CreateTable(
                name: "saml_replay",
                columns: table => new
                {
                    Key = table.Column<string>(type: "character varying(600)", maxLength: 600, nullable: false),
                    ExpiresAtUnixMs = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_saml_replay", x => x.Key);
                });

            migrationBuilder.CreateTable(
                name: "saml_sent_request",
                columns: table => new
                {
                    Id = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Upstream = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    AcsUrl = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false),
                    RequestedAuthnContext = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false),
                    Comparison = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    ForceAuthn = table.Column<bool>(type: "boolean", nullable: false),
                    IssuedAtUnixMs = table.Column<long>(type: "bigint", nullable: false),
                    ExpiresAtUnixMs = table.Column<long>(type: "bigint", nullable: false),
                    ConsumedAtUnixMs = table.Column<long>(type: "bigint", nullable: true),
                    ReturnUrl = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_saml_sent_request", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_saml_pending_request_ExpiresAtUnixMs",
                table: "saml_pending_request",
                column: "ExpiresAtUnixMs");

            migrationBuilder.CreateIndex(
                name: "IX_saml_replay_ExpiresAtUnixMs",
                table: "saml_replay",
                column: "ExpiresAtUnixMs");

            migrationBuilder.CreateIndex(
                name: "IX_saml_sent_request_ExpiresAtUnixMs",
                table: "saml_sent_request",
                column: "ExpiresAtUnixMs");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "saml_key_material");

            migrationBuilder.DropTable(
                name: "saml_pending_request");

            migrationBuilder.DropTable(
                name: "saml_replay");

            migrationBuilder.DropTable(
                name: "saml_sent_request");
        }
    }
}
