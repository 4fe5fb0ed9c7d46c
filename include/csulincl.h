/*
 * csulincl.h: IBM CCA for Linux-style C prototypes of the verbs softcca implements.
 *
 * Written for softcca from IBM's published parameter lists (the CCA Basic Services reference);
 * it is not IBM's file. A program written for IBM CCA for Linux includes it, declares its
 * integers `long` as IBM's header does (8 bytes on 64-bit Linux) and links -lcsulcca. See
 * docs/cca-linux.md: how to port, what is supported, and where softcca differs.
 *
 * Every parameter is passed by reference; integers are `long` in native byte order; keywords
 * are 8-byte, left-aligned, blank-padded fields; key identifiers are 64-byte tokens or labels;
 * every verb returns void and reports through return_code and reason_code (docs/codes.md).
 * An integer whose value does not fit 32 bits is rejected with the parameter's documented
 * error (for a length 8/72, for rule_array_count 8/35); it is never truncated. Outputs are
 * written only when the verb succeeds; return_code and reason_code always.
 *
 * Do not link -lcsulcca and -lsoftcca into one program: both define the verbs' names, with
 * `long` and with `int32_t` integers. softcca's own verbs (CSUC..., the operator cards) are
 * not declared here: use softcca.h and -lsoftcca for them.
 */

#ifndef SOFTCCA_CSULINCL_H
#define SOFTCCA_CSULINCL_H

/* IBM's linkage macro; empty on Linux. */
#ifndef SECURITYAPI
#define SECURITYAPI
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* Clear PIN Encrypt (docs/CSNBCPE.md) */
extern void SECURITYAPI CSNBCPE(long *return_code,
                                long *reason_code,
                                long *exit_data_length,
                                unsigned char *exit_data,
                                unsigned char *PIN_encrypting_key_identifier,
                                long *rule_array_count,
                                unsigned char *rule_array,
                                unsigned char *clear_PIN,
                                unsigned char *PIN_profile,
                                unsigned char *PAN_data,
                                long *sequence_number,
                                unsigned char *encrypted_PIN_block);

/* Diversified Key Generate (docs/CSNBDKG.md) */
extern void SECURITYAPI CSNBDKG(long *return_code,
                                long *reason_code,
                                long *exit_data_length,
                                unsigned char *exit_data,
                                long *rule_array_count,
                                unsigned char *rule_array,
                                unsigned char *generating_key_identifier,
                                long *data_length,
                                unsigned char *data,
                                unsigned char *data_decrypting_key_identifier,
                                unsigned char *generated_key_identifier);

/* Key Generate (docs/CSNBKGN.md) */
extern void SECURITYAPI CSNBKGN(long *return_code,
                                long *reason_code,
                                long *exit_data_length,
                                unsigned char *exit_data,
                                unsigned char *key_form,
                                unsigned char *key_length,
                                unsigned char *key_type_1,
                                unsigned char *key_type_2,
                                unsigned char *KEK_key_identifier_1,
                                unsigned char *KEK_key_identifier_2,
                                unsigned char *generated_key_identifier_1,
                                unsigned char *generated_key_identifier_2);

/* Key Part Import (docs/CSNBKPI.md) */
extern void SECURITYAPI CSNBKPI(long *return_code,
                                long *reason_code,
                                long *exit_data_length,
                                unsigned char *exit_data,
                                long *rule_array_count,
                                unsigned char *rule_array,
                                unsigned char *key_part,
                                unsigned char *key_identifier);

/* Key Record Create (docs/CSNBKRC.md) */
extern void SECURITYAPI CSNBKRC(long *return_code,
                                long *reason_code,
                                long *exit_data_length,
                                unsigned char *exit_data,
                                unsigned char *key_label);

/* Key Record Delete (docs/CSNBKRD.md) */
extern void SECURITYAPI CSNBKRD(long *return_code,
                                long *reason_code,
                                long *exit_data_length,
                                unsigned char *exit_data,
                                long *rule_array_count,
                                unsigned char *rule_array,
                                unsigned char *key_identifier);

/* Key Record List (docs/CSNBKRL.md) */
extern void SECURITYAPI CSNBKRL(long *return_code,
                                long *reason_code,
                                long *exit_data_length,
                                unsigned char *exit_data,
                                unsigned char *key_label,
                                long *data_set_name_length,
                                unsigned char *data_set_name,
                                unsigned char *security_server_name);

/* Key Record Read (docs/CSNBKRR.md) */
extern void SECURITYAPI CSNBKRR(long *return_code,
                                long *reason_code,
                                long *exit_data_length,
                                unsigned char *exit_data,
                                unsigned char *key_label,
                                unsigned char *key_token);

/* Key Record Write (docs/CSNBKRW.md) */
extern void SECURITYAPI CSNBKRW(long *return_code,
                                long *reason_code,
                                long *exit_data_length,
                                unsigned char *exit_data,
                                unsigned char *key_token,
                                unsigned char *key_label);

/* Key Token Build (docs/CSNBKTB.md) */
extern void SECURITYAPI CSNBKTB(long *return_code,
                                long *reason_code,
                                long *exit_data_length,
                                unsigned char *exit_data,
                                unsigned char *key_token,
                                unsigned char *key_type,
                                long *rule_array_count,
                                unsigned char *rule_array,
                                unsigned char *key_value,
                                void *reserved_field_1,
                                long *reserved_field_2,
                                unsigned char *reserved_field_3,
                                unsigned char *control_vector,
                                unsigned char *reserved_field_4,
                                long *reserved_field_5,
                                unsigned char *reserved_field_6,
                                unsigned char *master_key_verification_number);

/* Key Token Change (docs/CSNBKTC.md) */
extern void SECURITYAPI CSNBKTC(long *return_code,
                                long *reason_code,
                                long *exit_data_length,
                                unsigned char *exit_data,
                                long *rule_array_count,
                                unsigned char *rule_array,
                                unsigned char *key_identifier);

/* Key Test (docs/CSNBKYT.md) */
extern void SECURITYAPI CSNBKYT(long *return_code,
                                long *reason_code,
                                long *exit_data_length,
                                unsigned char *exit_data,
                                long *rule_array_count,
                                unsigned char *rule_array,
                                unsigned char *key_identifier,
                                unsigned char *value_1,
                                unsigned char *value_2);

/* MAC Generate (docs/CSNBMGN.md) */
extern void SECURITYAPI CSNBMGN(long *return_code,
                                long *reason_code,
                                long *exit_data_length,
                                unsigned char *exit_data,
                                unsigned char *key_identifier,
                                long *text_length,
                                unsigned char *text,
                                long *rule_array_count,
                                unsigned char *rule_array,
                                unsigned char *chaining_vector,
                                unsigned char *MAC);

/* Master Key Process (docs/CSNBMKP.md) */
extern void SECURITYAPI CSNBMKP(long *return_code,
                                long *reason_code,
                                long *exit_data_length,
                                unsigned char *exit_data,
                                long *rule_array_count,
                                unsigned char *rule_array,
                                unsigned char *key_part);

/* MAC Verify (docs/CSNBMVR.md) */
extern void SECURITYAPI CSNBMVR(long *return_code,
                                long *reason_code,
                                long *exit_data_length,
                                unsigned char *exit_data,
                                unsigned char *key_identifier,
                                long *text_length,
                                unsigned char *text,
                                long *rule_array_count,
                                unsigned char *rule_array,
                                unsigned char *chaining_vector,
                                unsigned char *MAC);

/* PIN Change/Unblock (docs/CSNBPCU.md) */
extern void SECURITYAPI CSNBPCU(long *return_code,
                                long *reason_code,
                                long *exit_data_length,
                                unsigned char *exit_data,
                                long *rule_array_count,
                                unsigned char *rule_array,
                                long *authentication_issuer_master_key_length,
                                unsigned char *authentication_issuer_master_key_identifier,
                                long *encryption_issuer_master_key_length,
                                unsigned char *encryption_issuer_master_key_identifier,
                                long *key_generation_data_length,
                                unsigned char *key_generation_data,
                                long *new_reference_PIN_key_length,
                                unsigned char *new_reference_PIN_key_identifier,
                                unsigned char *new_reference_PIN_block,
                                unsigned char *new_reference_PIN_profile,
                                unsigned char *new_reference_PIN_PAN_data,
                                long *current_reference_PIN_key_length,
                                unsigned char *current_reference_PIN_key_identifier,
                                unsigned char *current_reference_PIN_block,
                                unsigned char *current_reference_PIN_profile,
                                unsigned char *current_reference_PIN_PAN_data,
                                long *output_PIN_data_length,
                                unsigned char *output_PIN_data,
                                unsigned char *output_PIN_profile,
                                long *output_PIN_message_length,
                                unsigned char *output_PIN_message);

/* Cryptographic Facility Query (docs/CSUACFQ.md) */
extern void SECURITYAPI CSUACFQ(long *return_code,
                                long *reason_code,
                                long *exit_data_length,
                                unsigned char *exit_data,
                                long *rule_array_count,
                                unsigned char *rule_array,
                                long *verb_data_length,
                                unsigned char *verb_data);

/* Access Control Logon (docs/CSUALCT.md) */
extern void SECURITYAPI CSUALCT(long *return_code,
                                long *reason_code,
                                long *exit_data_length,
                                unsigned char *exit_data,
                                long *rule_array_count,
                                unsigned char *rule_array,
                                unsigned char *user_id,
                                long *auth_parms_length,
                                unsigned char *auth_parms,
                                long *auth_data_length,
                                unsigned char *auth_data);

/* Access Control Initialization (docs/CSUAACI.md) */
extern void SECURITYAPI CSUAACI(long *return_code,
                                long *reason_code,
                                long *exit_data_length,
                                unsigned char *exit_data,
                                long *rule_array_count,
                                unsigned char *rule_array,
                                long *verb_data_1_length,
                                unsigned char *verb_data_1,
                                long *verb_data_2_length,
                                unsigned char *verb_data_2);

/* Access Control Maintenance (docs/CSUAACM.md) */
extern void SECURITYAPI CSUAACM(long *return_code,
                                long *reason_code,
                                long *exit_data_length,
                                unsigned char *exit_data,
                                long *rule_array_count,
                                unsigned char *rule_array,
                                unsigned char *name,
                                long *output_data_length,
                                unsigned char *output_data);

#ifdef __cplusplus
}
#endif

#endif /* SOFTCCA_CSULINCL_H */
